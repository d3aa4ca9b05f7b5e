# The course's kernels read answer cells as the learner typed them from the
# first cell run, before any exercise's set-up cell (which loads the same
# reader): `make install` puts this file in the environment's etc/ipython.
c = get_config()  # noqa: F821 - IPython's config loader defines it
c.InteractiveShellApp.extensions = ["coproduction.answering"]
