// Co-production in Practice in JupyterLab.
//
// 1. Answer by choosing. Every core part's answer cell is marked at release
//    (cell metadata "coproduction": part, kind, options, title). Above its
//    output this plugin draws a form: radio buttons for one option, tick boxes
//    for several, a plain field for a number. Choosing writes the answer into
//    the cell as one line (q1_type = "Consult"), so the saved notebook holds it
//    and everything that grades reads it, then runs the cell and its check.
//    Typing in the cell stays possible; the form follows what the cell says.
// 2. Checks judge what the page shows. Just before a check (or Check my work)
//    runs, the plugin tells the kernel what each answer cell on the page says
//    (coproduction.answering.page_shows), which the check compares with what
//    the cell last ran.
// 3. Pages that read like the book: check cells show a short label, not
//    Python, and their messages are not drawn as crashes; citations and
//    glossary terms, which JupyterLab's MyST renderer cannot resolve, show the
//    book's label ("Arnstein, 1969") and open the full reference or the
//    term's definition in place (from coproduction.lab's /coproduction/book.json).
//
// The plugin only edits cells and runs them, as the learner could by hand:
// it gives the learner's code no new way to reach the grader.

import { CodeCell } from '@jupyterlab/cells';
import { URLExt } from '@jupyterlab/coreutils';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

const KEY = 'coproduction';
let formCount = 0;

function marks(cell) {
  const value = cell && cell.model ? cell.model.getMetadata(KEY) : null;
  return value && typeof value === 'object' ? value : {};
}

// --- the answer a cell holds, as the form shows it ----------------------------

const QUOTES = { '\u201c': '"', '\u201d': '"', '\u2018': "'", '\u2019': "'", '\u00a0': ' ' };

function straighten(text) {
  return text.replace(/[\u201c\u201d\u2018\u2019\u00a0]/g, ch => QUOTES[ch]);
}

function token(text) {
  return String(text).toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

// The options a cell's text names (its part's own spelling), or null when the
// form cannot tell (the learner typed something else): reading is the
// kernel's job, and the check says what is wrong.
function chosen(source, part) {
  const line = straighten(source).split('\n').reverse()
    .find(l => new RegExp(`^\\s*${part.part}\\s*=`).test(l));
  if (line === undefined) {
    return null;
  }
  const rhs = line.replace(/^[^=]*=/, '').replace(/#.*$/, '').trim();
  if (part.kind === 'number') {
    return /^-?\d+(\.\d+)?$/.test(rhs) ? rhs : rhs === 'None' || rhs === '' ? '' : null;
  }
  const items = [...rhs.matchAll(/"([^"]*)"|'([^']*)'/g)].map(m => m[1] ?? m[2]).filter(i => i.trim());
  if (!items.length && /^(""|''|\[\s*\])$/.test(rhs)) {
    return []; // not answered yet
  }
  const known = part.options.filter(o => items.some(i => token(i) === token(o)));
  return known.length === items.length ? known : null;
}

function literal(part, value) {
  if (part.kind === 'number') {
    return `${part.part} = ${value}`;
  }
  if (part.kind === 'choice') {
    return `${part.part} = ${JSON.stringify(value[0] ?? '')}`;
  }
  return `${part.part} = [${value.map(v => JSON.stringify(v)).join(', ')}]`;
}

// "210", "£210", "210.00", "1,200", " 12 a week": the number, or null.
function number(text) {
  const bare = straighten(text).replace(/[£$€,\s]/g, '').replace(/(aweek|perweek|pounds?|hours?)$/i, '');
  return /^-?\d+(\.\d+)?$/.test(bare) ? String(Number(bare)) : null;
}

// --- running cells --------------------------------------------------------------

function answerCells(notebook) {
  return notebook.widgets.filter(c => marks(c).part);
}

// Tell the kernel what each answer cell on the page says, just before a check
// runs: the check compares it with what the cell last ran.
function sendPage(panel) {
  const kernel = panel.sessionContext.session?.kernel;
  if (!kernel) {
    return;
  }
  const page = {};
  for (const cell of answerCells(panel.content)) {
    page[marks(cell).part] = cell.model.sharedModel.getSource();
  }
  // A JSON string literal is a Python string literal too.
  const code = "__import__('coproduction.answering').answering.page_shows(__import__('json').loads(" +
    JSON.stringify(JSON.stringify(page)) + '))';
  kernel.requestExecute({ code, silent: true, store_history: false });
}

async function runAnswer(panel, cell) {
  const part = marks(cell).part;
  const check = panel.content.widgets.find(c => marks(c).check === part);
  await CodeCell.execute(cell, panel.sessionContext);
  if (check) {
    sendPage(panel);
    await CodeCell.execute(check, panel.sessionContext);
  }
}

// --- the form ------------------------------------------------------------------

class AnswerForm extends Widget {
  constructor(panel, cell) {
    super();
    this.panel = panel;
    this.cell = cell;
    this.part = marks(cell);
    this.addClass('cp-answer');
    this.build();
    cell.model.sharedModel.changed.connect(this.follow, this);
    this.follow();
  }

  build() {
    const { part, title, kind, options } = this.part;
    const id = `cp-${part}-${++formCount}`;
    const fieldset = document.createElement('fieldset');
    const legend = document.createElement('legend');
    const how = { choice: 'choose one', several: 'tick every one that applies', number: 'type a number' }[kind];
    legend.textContent = `${title}: your answer (${how})`;
    fieldset.appendChild(legend);
    this.inputs = [];
    if (kind === 'number') {
      const label = document.createElement('label');
      label.htmlFor = `${id}-number`;
      label.textContent = 'Your number';
      const input = document.createElement('input');
      input.type = 'text';
      input.inputMode = 'decimal';
      input.id = `${id}-number`;
      input.autocomplete = 'off';
      input.addEventListener('keydown', event => {
        if (event.key === 'Enter') {
          event.preventDefault();
          this.submit();
        }
      });
      fieldset.append(label, input);
      this.inputs.push(input);
    } else {
      const list = document.createElement('div');
      list.className = 'cp-answer-options';
      options.forEach((text, index) => {
        const label = document.createElement('label');
        const input = document.createElement('input');
        input.type = kind === 'choice' ? 'radio' : 'checkbox';
        input.name = id;
        input.value = text;
        input.id = `${id}-${index}`;
        if (kind === 'choice') {
          input.addEventListener('change', () => this.submit());
        }
        label.append(input, document.createTextNode(` ${text}`));
        list.appendChild(label);
        this.inputs.push(input);
      });
      fieldset.appendChild(list);
    }
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'cp-answer-check jp-Button';
    button.textContent = 'Check my answer';
    button.addEventListener('click', () => this.submit());
    fieldset.appendChild(button);
    this.status = document.createElement('p');
    this.status.className = 'cp-answer-status';
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    fieldset.appendChild(this.status);
    this.node.appendChild(fieldset);
  }

  // Show what the cell says (after a restart, or when the learner types).
  // Only a change of its text: outputs and run counts change as the cell runs.
  follow(_, change) {
    if (this.writing || (change && !change.sourceChange)) {
      return;
    }
    const value = chosen(this.cell.model.sharedModel.getSource(), this.part);
    if (this.part.kind === 'number') {
      if (value !== null && document.activeElement !== this.inputs[0]) {
        this.inputs[0].value = value;
      }
    } else {
      for (const input of this.inputs) {
        input.checked = value !== null && value.some(v => token(v) === token(input.value));
      }
    }
    this.status.textContent = value === null
      ? 'Your answer cell holds text this form cannot show: its check says what to change.' : '';
  }

  submit() {
    let value;
    if (this.part.kind === 'number') {
      value = number(this.inputs[0].value);
      if (value === null) {
        this.status.textContent = 'Type the number in figures, for example 12 (a £ sign or commas are fine).';
        return;
      }
      this.inputs[0].value = value; // the number as it was read: "£210.00" shows as 210
    } else {
      value = this.inputs.filter(i => i.checked).map(i => i.value);
    }
    this.status.textContent = '';
    this.writing = true;
    this.cell.model.sharedModel.setSource(literal(this.part, value));
    this.writing = false;
    this.run();
  }

  // Run the answer cell and its check, one run at a time: choosing again while a
  // run is under way (the arrow keys choose at every step) runs once more, after
  // it, with the last choice; runs that overlapped could let a check judge the
  // page against an answer cell still waiting to run.
  run() {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void (async () => {
      try {
        do {
          this.again = false;
          await runAnswer(this.panel, this.cell);
        } while (this.again && !this.isDisposed);
      } finally {
        this.running = false;
      }
    })();
  }

  dispose() {
    if (!this.isDisposed) {
      this.cell.model?.sharedModel.changed.disconnect(this.follow, this);
    }
    super.dispose();
  }
}

// --- marking the cells of a notebook ---------------------------------------------

// What a collapsed cell says instead of its first line of code. A CSS custom
// property on the cell, so the label survives JupyterLab drawing the cell anew.
const LABELS = {
  check: 'The check for this part: its code is hidden (click to show it)',
  check_my_work: 'Check my work: its code is hidden (click to show it)',
  part: 'Your answer as the notebook saves it (click to see it, or to type it yourself)',
  setup: 'Setting up this exercise: its code is hidden (click to show it)',
  code: 'Code behind what follows: hidden, as in the book (click to show it)'
};

function label(cell) {
  const m = marks(cell);
  const kind = m.part ? 'part' : m.check ? 'check' : m.check_my_work ? 'check_my_work'
    : cell.model.getMetadata('nbgrader')?.grade_id === 'setup' ? 'setup'
      : cell.model.type === 'code' && cell.model.getMetadata('jupyter')?.source_hidden ? 'code' : null;
  return kind ? LABELS[kind] : null;
}

function decorate(panel, cell) {
  const m = marks(cell);
  if (m.check || m.check_my_work) {
    cell.addClass('cp-check');
  }
  const text = label(cell);
  if (text && !cell.hasClass('cp-labelled')) {
    cell.node.style.setProperty('--cp-label', JSON.stringify(text));
    cell.addClass('cp-labelled');
  }
  if (m.part && Array.isArray(m.options) && !cell.cpForm && cell.layout) {
    const form = new AnswerForm(panel, cell);
    const widgets = cell.layout.widgets;
    const input = widgets.indexOf(cell.inputArea?.parent ?? null);
    cell.layout.insertWidget(input >= 0 ? input + 1 : widgets.length, form);
    cell.cpForm = form;
    cell.disposed.connect(() => form.dispose());
  }
}

// --- citations and glossary terms, as the book shows them --------------------------

let bookData = null;

function loadBook() {
  if (!bookData) {
    const settings = ServerConnection.makeSettings();
    const url = URLExt.join(settings.baseUrl, 'coproduction', 'book.json');
    bookData = ServerConnection.makeRequest(url, {}, settings)
      .then(reply => (reply.ok ? reply.json() : { citations: {}, terms: {} }))
      .catch(() => ({ citations: {}, terms: {} }));
  }
  return bookData;
}

// A button that shows `text` (and a link) just after itself, and hides it again.
function disclosure(label, text, url, className) {
  const wrap = document.createElement('span');
  wrap.className = className;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `${className}-button`;
  button.textContent = label;
  button.title = text;
  button.setAttribute('aria-expanded', 'false');
  const note = document.createElement('span');
  note.className = `${className}-note`;
  note.setAttribute('role', 'note');
  note.hidden = true;
  note.append(` ${text}`);
  if (url) {
    const link = document.createElement('a');
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = ' (link)';
    note.append(link);
  }
  button.addEventListener('click', () => {
    note.hidden = !note.hidden;
    button.setAttribute('aria-expanded', String(!note.hidden));
  });
  wrap.append(button, note);
  return wrap;
}

function squash(text) {
  return text.replace(/\s+/g, ' ').trim();
}

// {term}`shown <Target>` in a cell's text: what each shown text links to.
function termTargets(source) {
  const targets = {};
  for (const match of source.matchAll(/\{term\}`([^`]+)`/g)) {
    const inner = match[1];
    const pointed = inner.match(/^(.*?)\s*<([^>]+)>$/);
    targets[squash(pointed ? pointed[1] : inner).toLowerCase()] = squash(pointed ? pointed[2] : inner);
  }
  return targets;
}

function resolve(cell, book) {
  const node = cell.node;
  for (const group of node.querySelectorAll('.cite-group:not(.cp-resolved)')) {
    const keys = [...group.querySelectorAll('[title="Citation Not Found"]')].map(s => s.textContent.trim());
    if (!keys.length || keys.some(k => !book.citations[k])) {
      continue;
    }
    const ours = document.createElement('span');
    ours.className = 'cp-cite-group';
    ours.append('[');
    keys.forEach((key, index) => {
      const found = book.citations[key];
      if (index) {
        ours.append(', ');
      }
      ours.append(disclosure(found.label, found.reference, found.url, 'cp-cite'));
    });
    ours.append(']');
    group.classList.add('cp-resolved'); // MyST's own spans stay, hidden, for its renderer
    group.after(ours);
  }
  const targets = termTargets(cell.model.sharedModel.getSource());
  for (const link of node.querySelectorAll('a.hover-link:not(.cp-resolved)')) {
    // MyST's renderer leaves a role written over two lines ("text\n<Target>") whole.
    const pointed = squash(link.textContent).match(/^(.*?)\s*<([^>]+)>$/);
    const shown = pointed ? pointed[1] : squash(link.textContent);
    const term = book.terms[(pointed ? pointed[2] : targets[shown.toLowerCase()] ?? shown).toLowerCase()];
    if (!term) {
      continue;
    }
    const hover = link.closest('[data-state]') ?? link; // MyST's hover card, which cannot find the term
    link.classList.add('cp-resolved');
    hover.classList.add('cp-resolved-term');
    hover.after(disclosure(shown, `${term.term}: ${term.definition}`, '', 'cp-term'));
  }
}

function watch(panel) {
  const mark = () => {
    for (const cell of panel.content.widgets) {
      const done = cell.ready ?? Promise.resolve();
      void done.then(() => decorate(panel, cell));
    }
  };
  const resolveAll = () => {
    void loadBook().then(book => {
      for (const cell of panel.content.widgets) {
        if (cell.model.type === 'markdown') {
          resolve(cell, book);
        }
      }
    });
  };
  let queued = false;
  const soon = () => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        resolveAll();
      });
    }
  };
  void panel.context.ready.then(() => {
    mark();
    resolveAll();
    panel.content.model?.cells.changed.connect(() => setTimeout(mark, 0));
    // MyST draws a cell's text after it is added, and again when it is edited.
    new MutationObserver(records => {
      if (records.some(r => [...r.addedNodes].some(n => n.nodeType === 1 && !n.closest?.('.cp-cite, .cp-term')
          && (n.matches?.('.cite-group, a.hover-link') || n.querySelector?.('.cite-group, a.hover-link'))))) {
        soon();
      }
    }).observe(panel.content.node, { childList: true, subtree: true });
  });
}

const plugin = {
  id: 'coproduction-jupyterlab:answers',
  description: 'Answer a part by choosing; checks that judge what the page shows.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app, tracker) => {
    tracker.widgetAdded.connect((_, panel) => watch(panel));
    // Plain keys (arrows, Space, letters) belong to the form's controls, not to the
    // notebook, whose shortcuts match any focused element; keys held with Ctrl, Alt
    // or Cmd (save, run all) still reach JupyterLab. This runs before JupyterLab's
    // own listener, which reads the mark on the key's target.
    window.addEventListener('keydown', event => {
      const control = event.target?.closest?.('.cp-answer input, .cp-answer button');
      if (control) {
        control.toggleAttribute('data-lm-suppress-shortcuts', !(event.ctrlKey || event.altKey || event.metaKey));
      }
    }, true);
    NotebookActions.executionScheduled.connect((_, { notebook, cell }) => {
      const m = marks(cell);
      const panel = tracker.find(p => p.content === notebook);
      if (panel && (m.check || m.check_my_work)) {
        sendPage(panel);
        if (m.check_my_work && panel.context.model.dirty) {
          void panel.context.save(); // grading reads the saved notebook
        }
      }
    });
  }
};

export default plugin;
