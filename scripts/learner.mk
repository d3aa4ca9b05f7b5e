# A learner's own commands: their progress page, CPD record and starting an
# exercise again. The course's Makefile includes this file (after installing);
# on a hub, each learner's copy of the course gets it as its Makefile
# (coproduction.hub.home), so the same commands work in a Terminal there.
PY ?= python

.PHONY: progress cpd start-again

# Start one exercise again from its released version (the old copy is kept, dated).
start-again:
	@test -n "$(EXERCISE)" || { echo "Say which: make start-again EXERCISE=ladder"; exit 2; }
	@$(PY) -m coproduction.learner --root "$(CURDIR)" start-again "$(EXERCISE)"

# The learner's progress page, made from their own copies (nothing is sent anywhere).
progress:
	@$(PY) -m coproduction.progress --root "$(CURDIR)"

# The learner's CPD record (HTML and PDF) from their own work: make cpd NAME="Sam Jones"
cpd:
	@test -n "$(NAME)" || { echo 'Say whose: make cpd NAME="Sam Jones"'; exit 2; }
	@$(PY) -m coproduction.cpd --root "$(CURDIR)" --name "$(NAME)"
