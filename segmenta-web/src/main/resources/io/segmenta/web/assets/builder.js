// The segment builder: the text editor's highlighting and completion from the schema the page embeds, and the form,
// which renders the rule's JSON form (RuleJson) and collects it back. A node the form cannot show as fields without
// loss (collecting it would not give back the same JSON) is shown as its JSON in a text box, so switching between
// text and form never changes the rule. The server checks every version (htmx, /segments/new/check) and gives the
// rule in both forms; no framework, no inline script (the Content-Security-Policy allows none).
(function () {
  'use strict';
  var KEYWORDS = ['and', 'or', 'not', 'in', 'last', 'days', 'weeks', 'months', 'years', 'hours', 'where', 'is', 'between',
    'contains', 'starts', 'ends', 'with', 'exists', 'true', 'false', 'segment', 'from', 'to', 'before', 'after', 'matches'];
  var OPS = [['is', '='], ['$eq', '== ($eq)'], ['$ne', '≠'], ['$gt', '>'], ['$gte', '≥'], ['$lt', '<'], ['$lte', '≤'], ['$in', 'one of'],
    ['$nin', 'none of'], ['$contains', 'contains'], ['$startsWith', 'starts with'], ['$endsWith', 'ends with'], ['$exists', 'exists']];
  var AGG_OPS = [['$gte', '≥'], ['$gt', '>'], ['$lte', '≤'], ['$lt', '<'], ['$eq', '='], ['$ne', '≠']];
  var UNITS = ['days', 'weeks', 'months', 'years', 'hours'];
  var schema = { traits: [], events: [], segments: [], functions: [], values: {} };
  var uid = 0;

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (kids || []).forEach(function (c) { if (c) { e.appendChild(c); } });
    return e;
  }
  function labelled(text, control) {
    var id = 'f' + (++uid);
    control.id = id;
    var l = el('label', { 'for': id, text: text });
    l.appendChild(control);
    return l;
  }
  function select(options, value) {
    var s = el('select');
    options.forEach(function (o) {
      var opt = el('option', { value: o[0], text: o[1] });
      if (o[0] === value) { opt.selected = true; }
      s.appendChild(opt);
    });
    return s;
  }
  function traitType(name) {
    for (var i = 0; i < schema.traits.length; i++) { if (schema.traits[i].name === name) { return schema.traits[i].type; } }
    return null;
  }
  function typed(text, type) {
    if (type === 'number') { var n = Number(text); return text.trim() !== '' && isFinite(n) ? n : text; }
    if (type === 'boolean') { return text === 'true' ? true : text === 'false' ? false : text; }
    if (type === null) { try { return JSON.parse(text); } catch (e) { return text; } }
    return text;
  }
  function shown(v) { return typeof v === 'string' ? v : JSON.stringify(v); }
  function scalar(v) { return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'; }

  // ---- the form: one function per kind of node renders it; each rendered node's collect() gives its JSON back.
  function render(node) {
    var keys = node && typeof node === 'object' && !Array.isArray(node) ? Object.keys(node) : [];
    var made = null;
    if (keys.length === 1 && (keys[0] === '$and' || keys[0] === '$or' || keys[0] === '$nor') && Array.isArray(node[keys[0]])) {
      return group(keys[0], node[keys[0]]);
    }
    if (keys.length === 1 && keys[0] === '$not') { made = group('$not', [node.$not]); }
    else if (keys.length === 1 && keys[0] === '$segment') { made = segmentRow(node.$segment); }
    else if (keys.length === 2 && keys[0] === '$measure' && keys[1] === '$is') { made = aggregateRow(node); }
    else if (keys.length === 1 && keys[0].charAt(0) !== '$') { made = traitRow(keys[0], node[keys[0]]); }
    if (made && JSON.stringify(made.collect()) === JSON.stringify(node)) { return made; }
    return rawRow(node);
  }
  function remover(box) {
    var b = el('button', { type: 'button', 'class': 'remove', text: 'Remove' });
    b.addEventListener('click', function () { box.remove(); changed(); });
    return b;
  }
  function group(kind, children) {
    var box = el('fieldset', { 'class': 'group' });
    var kindSel = select([['$and', 'all of'], ['$or', 'any of'], ['$nor', 'none of'], ['$not', 'not']], kind);
    box.appendChild(el('legend', { text: 'Group' }));
    var head = el('div', { 'class': 'head' }, [labelled('Members must meet', kindSel)]);
    box.appendChild(head);
    var list = el('div', { 'class': 'children' });
    children.forEach(function (c) { list.appendChild(render(c)); });
    box.appendChild(list);
    var add = function (text, make) {
      var b = el('button', { type: 'button', text: text });
      b.addEventListener('click', function () { var n = make(); list.appendChild(n); changed(); var f = n.querySelector('input,select,textarea'); if (f) { f.focus(); } });
      return b;
    };
    box.appendChild(el('div', { 'class': 'buttons' }, [
      add('Add trait condition', function () { return traitRow(schema.traits.length ? schema.traits[0].name : 'country', ''); }),
      add('Add aggregate', function () { return aggregateRow({ $measure: { count: { event: schema.events.length ? schema.events[0].name : 'order' } }, $is: { $gte: 1 } }); }),
      add('Add segment', function () { return segmentRow(schema.segments[0] || ''); }),
      add('Add group', function () { return group('$or', []); }),
      remover(box)]));
    box.collect = function () {
      var kids = [];
      for (var i = 0; i < list.children.length; i++) { kids.push(list.children[i].collect()); }
      var o = {};
      if (kindSel.value === '$not') { o.$not = kids.length === 1 ? kids[0] : { $and: kids }; } else { o[kindSel.value] = kids; }
      return o;
    };
    return box;
  }
  function traitRow(path, cond) {
    var op = 'is';
    var value = cond;
    if (cond && typeof cond === 'object' && !Array.isArray(cond) && Object.keys(cond).length === 1) {
      op = Object.keys(cond)[0];
      value = cond[op];
    }
    var row = el('div', { 'class': 'cond', role: 'group', 'aria-label': 'Trait condition' });
    var trait = el('input', { list: 'traits-list', value: path, autocomplete: 'off' });
    var opSel = select(OPS, op);
    var val = el('input', { value: Array.isArray(value) ? value.map(shown).join(', ') : value === undefined ? '' : shown(value) });
    row.appendChild(labelled('Trait', trait));
    row.appendChild(labelled('Condition', opSel));
    row.appendChild(labelled('Value', val));
    row.appendChild(remover(row));
    row.collect = function () {
      var t = traitType(trait.value);
      var o = {};
      if (opSel.value === 'is') { o[trait.value] = typed(val.value, t); return o; }
      var arg;
      if (opSel.value === '$in' || opSel.value === '$nin') {
        arg = val.value.trim() === '' ? [] : val.value.split(',').map(function (x) { return typed(x.trim(), t); });
      } else if (opSel.value === '$exists') { arg = typed(val.value, 'boolean'); }
      else if (opSel.value === '$contains' || opSel.value === '$startsWith' || opSel.value === '$endsWith') { arg = val.value; }
      else { arg = typed(val.value, t); }
      var c = {};
      c[opSel.value] = arg;
      o[trait.value] = c;
      return o;
    };
    if (!(scalar(value) || (Array.isArray(value) && value.every(scalar)))) { row.collect = function () { return null; }; }
    return row;
  }
  function segmentRow(name) {
    var row = el('div', { 'class': 'cond', role: 'group', 'aria-label': 'Segment condition' });
    var names = schema.segments.slice();
    if (names.indexOf(name) < 0) { names.unshift(name); }
    var sel = select(names.map(function (n) { return [n, n]; }), name);
    row.appendChild(labelled('Member of segment', sel));
    row.appendChild(remover(row));
    row.collect = function () { return { $segment: sel.value }; };
    return row;
  }
  function aggregateRow(node) {
    var m = node.$measure;
    var fn = m && typeof m === 'object' ? Object.keys(m)[0] : null;
    var body = fn ? m[fn] : null;
    var is = node.$is;
    var op = is && typeof is === 'object' && Object.keys(is).length === 1 ? Object.keys(is)[0] : null;
    var row = el('div', { 'class': 'cond', role: 'group', 'aria-label': 'Aggregate condition' });
    if (!fn || !body || typeof body !== 'object' || !op || Object.keys(m).length !== 1) { row.collect = function () { return null; }; return row; }
    var fnSel = select(schema.functions.map(function (f) { return [f.name, f.name.replace(/_/g, ' ')]; }), fn);
    var evSel = select(schema.events.map(function (e) { return [e.name, e.name]; }), body.event);
    var prop = el('input', { list: 'props-list', value: body.property || '', autocomplete: 'off' });
    var w = body.window || null;
    var lastN = el('input', { type: 'number', min: '1', value: w && w.last !== undefined ? String(w.last) : '', placeholder: 'all time' });
    var unit = select(UNITS.map(function (u) { return [u, u]; }), w && w.unit ? w.unit : 'days');
    var opSel = select(AGG_OPS, op);
    var val = el('input', { value: shown(is[op]) });
    [labelled('Function', fnSel), labelled('Of event', evSel), labelled('Property', prop), labelled('In the last', lastN), labelled('Unit', unit),
      labelled('Compared', opSel), labelled('Value', val), remover(row)].forEach(function (c) { row.appendChild(c); });
    row.collect = function () {
      var b = { event: evSel.value };
      if (prop.value.trim() !== '') { b.property = prop.value.trim(); }
      if (body.where !== undefined) { b.where = body.where; }
      if (lastN.value.trim() !== '') { b.window = { last: Number(lastN.value), unit: unit.value }; }
      var mm = {};
      mm[fnSel.value] = b;
      var c = {};
      c[opSel.value] = typed(val.value, 'number');
      return { $measure: mm, $is: c };
    };
    if (w && (w.last === undefined || Object.keys(w).length !== 2)) { row.collect = function () { return null; }; }
    return row;
  }
  function rawRow(node) {
    var row = el('div', { 'class': 'cond raw', role: 'group', 'aria-label': 'Condition as JSON' });
    var ta = el('textarea', { rows: '2', spellcheck: 'false' });
    ta.value = JSON.stringify(node);
    row.appendChild(labelled('Condition (JSON form)', ta));
    row.appendChild(remover(row));
    row.collect = function () { try { return JSON.parse(ta.value); } catch (e) { return { $invalid: ta.value }; } };
    return row;
  }

  // ---- wiring
  var form, text, hl, list, root, jsonField, modeField;
  function changed() {
    if (modeField.value !== 'form') { return; }
    jsonField.value = JSON.stringify(root.firstChild.collect());
    form.dispatchEvent(new Event('rule-changed', { bubbles: true }));
  }
  function token(cls, s) { var sp = document.createElement('span'); if (cls) { sp.className = cls; } sp.textContent = s; return sp; }
  function highlight() {
    var src = text.value;
    var res = document.getElementById('check-result');
    var bad = -1;
    if (res && res.dataset.ok === 'false' && Number(res.dataset.line) > 0 && modeField.value === 'text') {
      var lines = src.split('\n');
      var line = Number(res.dataset.line) - 1;
      bad = 0;
      for (var i = 0; i < line && i < lines.length; i++) { bad += lines[i].length + 1; }
      bad += Number(res.dataset.column) - 1;
    }
    var traits = {}, events = {}, fns = {};
    schema.traits.forEach(function (t) { traits[t.name] = 1; });
    schema.events.forEach(function (e) { events[e.name] = 1; });
    schema.functions.forEach(function (f) { fns[f.name] = 1; });
    var re = /("(?:[^"\\]|\\.)*"?)|(-?\d+(?:\.\d+)?)|([A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*)|(\s+)|(.)/g;
    hl.textContent = '';
    var m;
    while ((m = re.exec(src)) !== null) {
      var s = m[0], cls = '';
      if (m[1]) { cls = 'str'; } else if (m[2]) { cls = 'num'; } else if (m[3]) {
        var head = s.split('.')[0];
        cls = KEYWORDS.indexOf(s) >= 0 ? 'kw' : fns[s] ? 'fn' : traits[s] ? 'trait' : events[head] ? 'event' : '';
      }
      if (bad >= m.index && bad < m.index + s.length) { cls += ' bad'; }
      hl.appendChild(token(cls, s));
    }
    if (bad >= src.length) { hl.appendChild(token('bad', ' ')); }
    hl.appendChild(document.createTextNode('\n'));
    hl.scrollTop = text.scrollTop;
  }
  // Completion: the word before the caret; inside a string after "trait =", the trait's known values.
  var choices = [], active = -1;
  function candidates() {
    var before = text.value.slice(0, text.selectionStart);
    var str = /([A-Za-z_][A-Za-z0-9_.]*)\s*(?:=|!=|in\s*\(|,)\s*(?:"[^"]*",\s*)*"([^"]*)$/.exec(before);
    if (str && schema.values[str[1]]) {
      return { prefix: str[2], items: schema.values[str[1]].filter(function (v) { return v.indexOf(str[2]) === 0; }).map(function (v) { return [v, 'value']; }) };
    }
    var w = /[A-Za-z_][A-Za-z0-9_.]*$/.exec(before);
    var prefix = w ? w[0] : '';
    var items = [];
    if (prefix.indexOf('.') > 0) {
      var ev = prefix.split('.')[0];
      schema.events.forEach(function (e) { if (e.name === ev) { e.properties.forEach(function (p) { items.push([ev + '.' + p.name, p.type]); }); } });
    } else {
      schema.traits.forEach(function (t) { items.push([t.name, 'trait, ' + t.type]); });
      schema.functions.forEach(function (f) { items.push([f.name + '(', 'function']); });
      schema.events.forEach(function (e) { items.push([e.name, 'event']); });
      KEYWORDS.forEach(function (k) { items.push([k, 'keyword']); });
    }
    return { prefix: prefix, items: items.filter(function (i) { return prefix !== '' && i[0].indexOf(prefix) === 0 && i[0] !== prefix; }) };
  }
  function showCompletions(force) {
    var c = candidates();
    choices = c.items.slice(0, 8).map(function (i) { return { text: i[0], kind: i[1], prefix: c.prefix }; });
    list.textContent = '';
    if (!choices.length || (!force && c.prefix === '')) { closeCompletions(); return; }
    choices.forEach(function (ch, i) {
      var li = el('li', { role: 'option', id: 'cmp-' + i, 'aria-selected': i === 0 ? 'true' : 'false' }, [document.createTextNode(ch.text), el('span', { 'class': 'kind', text: ch.kind })]);
      li.addEventListener('mousedown', function (e) { e.preventDefault(); accept(i); });
      list.appendChild(li);
    });
    active = 0;
    list.hidden = false;
    text.setAttribute('aria-expanded', 'true');
    text.setAttribute('aria-activedescendant', 'cmp-0');
  }
  function closeCompletions() { list.hidden = true; choices = []; active = -1; text.setAttribute('aria-expanded', 'false'); text.removeAttribute('aria-activedescendant'); }
  function move(d) {
    if (!choices.length) { return; }
    list.children[active].setAttribute('aria-selected', 'false');
    active = (active + d + choices.length) % choices.length;
    list.children[active].setAttribute('aria-selected', 'true');
    text.setAttribute('aria-activedescendant', 'cmp-' + active);
  }
  function accept(i) {
    var ch = choices[i], pos = text.selectionStart;
    text.setRangeText(ch.text.slice(ch.prefix.length), pos, pos, 'end');
    closeCompletions();
    highlight();
    text.dispatchEvent(new Event('input', { bubbles: true }));
  }
  // Switching: the server's answer for the current version gives the rule in the other form.
  function ask(mode) {
    var data = new FormData(form);
    data.set('mode', mode);
    var csrf = document.querySelector('meta[name="csrf-token"]');
    return fetch('/segments/new/check', { method: 'POST', body: new URLSearchParams(data), headers: { 'X-CSRF-Token': csrf ? csrf.content : '' }, credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        document.getElementById('check').innerHTML = html;
        return document.getElementById('check-result');
      });
  }
  function setMode(mode) {
    modeField.value = mode;
    document.getElementById('panel-text').hidden = mode !== 'text';
    document.getElementById('panel-form').hidden = mode !== 'form';
    ['text', 'form'].forEach(function (m) {
      var t = document.getElementById('tab-' + m);
      t.setAttribute('aria-selected', m === mode ? 'true' : 'false');
      t.tabIndex = m === mode ? 0 : -1;
    });
  }
  function toForm() {
    if (modeField.value === 'form') { return Promise.resolve(); }
    if (text.value.trim() === '') {
      root.textContent = '';
      var g = group('$and', []);
      g.querySelector(':scope > .buttons > .remove').remove();
      root.appendChild(g);
      setMode('form');
      changed();
      return Promise.resolve();
    }
    return ask('text').then(function (res) {
      if (!res || res.dataset.ok !== 'true') { highlight(); return; }
      var node = JSON.parse(res.dataset.json);
      root.textContent = '';
      var top = node.$and ? render(node) : group('$and', [node]);
      // A rule that is not an "and" is kept whole: a one-child "all of" collects back as that child.
      if (!node.$and) { top.collect = (function (g) { return function () { var o = g.call(top); return o.$and.length === 1 ? o.$and[0] : o; }; })(top.collect); }
      var rb = top.querySelector(':scope > .buttons > .remove');
      if (rb) { rb.remove(); }
      root.appendChild(top);
      jsonField.value = JSON.stringify(top.collect());
      setMode('form');
    });
  }
  function toText() {
    if (modeField.value === 'text') { return Promise.resolve(); }
    jsonField.value = JSON.stringify(root.firstChild.collect());
    return ask('form').then(function (res) {
      if (!res || res.dataset.ok !== 'true') { return; }
      text.value = res.dataset.text;
      setMode('text');
      highlight();
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    form = document.getElementById('builder');
    if (!form) { return; }
    schema = JSON.parse(form.dataset.schema);
    text = document.getElementById('rule-text');
    hl = document.getElementById('rule-hl');
    list = document.getElementById('completions');
    root = document.getElementById('form-root');
    jsonField = document.getElementById('rule-json');
    modeField = document.getElementById('mode');
    var traits = el('datalist', { id: 'traits-list' });
    schema.traits.forEach(function (t) { traits.appendChild(el('option', { value: t.name })); });
    var props = el('datalist', { id: 'props-list' });
    var seen = {};
    schema.events.forEach(function (e) { e.properties.forEach(function (p) { if (!seen[p.name]) { seen[p.name] = 1; props.appendChild(el('option', { value: p.name })); } }); });
    form.appendChild(traits);
    form.appendChild(props);
    text.addEventListener('input', function () { highlight(); showCompletions(false); });
    text.addEventListener('scroll', function () { hl.scrollTop = text.scrollTop; });
    text.addEventListener('blur', closeCompletions);
    text.addEventListener('keydown', function (e) {
      if (e.key === ' ' && e.ctrlKey) { e.preventDefault(); showCompletions(true); return; }
      if (list.hidden) { return; }
      if (e.key === 'ArrowDown') { e.preventDefault(); move(1); } else if (e.key === 'ArrowUp') { e.preventDefault(); move(-1); }
      else if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); accept(active); } else if (e.key === 'Escape') { e.preventDefault(); closeCompletions(); }
    });
    root.addEventListener('input', changed);
    root.addEventListener('change', changed);
    document.getElementById('tab-text').addEventListener('click', toText);
    document.getElementById('tab-form').addEventListener('click', toForm);
    document.querySelector('.tabs').addEventListener('keydown', function (e) {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        e.preventDefault();
        var next = modeField.value === 'text' ? 'form' : 'text';
        (next === 'form' ? toForm() : toText()).then(function () { document.getElementById('tab-' + modeField.value).focus(); });
      }
    });
    form.addEventListener('submit', function () { if (modeField.value === 'form') { jsonField.value = JSON.stringify(root.firstChild.collect()); } });
    document.body.addEventListener('htmx:afterSwap', function (e) { if (e.target && e.target.id === 'check') { highlight(); } });
    highlight();
    // For the browser test's round-trip property: a JSON rule rendered as the form and collected back.
    window.segmentaBuilder = {
      roundTrip: function (json) { var node = JSON.parse(json); var r = render(node); return JSON.stringify(r.collect()); },
      toForm: toForm, toText: toText
    };
  });
})();
