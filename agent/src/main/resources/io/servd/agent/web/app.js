// servd web view: the unit table (#/) and a unit's page (#/unit/<name>), kept live by polling.
//
// Why polling /v1/units every 2 s and not following /v1/events?follow=1: usage (memory, CPU,
// pressure) is in no event, so the table needs the reads anyway, and one read brings the state
// fields too (unit-state events would only say sooner what the next poll says). The agent answers
// all who poll at once with one read of cgroupfs (Coalescer), while a follower holds one of the
// listener's few connections (47 at MemoryMax=64M) and one of [Events] MaxFollowers= per tab.
'use strict';

(() => {
  const S = ServdSeries;
  const POLL_MS = 2000;
  const LIVE_KEEP = 1800; // samples gathered per unit page: an hour at 2 s
  const HISTORY_POINTS = 360;
  const RANGES = { '15m': 15 * 60e3, '1h': 3600e3, '6h': 6 * 3600e3, '24h': 86400e3 };
  const DEFAULT_RANGE = '1h';

  const view = document.getElementById('view');
  const statusLine = document.getElementById('status');
  const root = document.documentElement;

  const state = {
    last: new Map(), // unit → its latest sample (for rates)
    prev: new Map(), // unit → the sample before it
    live: new Map(), // unit → the samples its page gathered, oldest first
    polls: 0,
    generation: 0, // a page's polls stop when the page is left
    timer: null,
    page: null,
  };

  /** An element: attrs sets attributes ("text" sets the text), children are nodes or strings. */
  function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function unitHref(name) {
    return '#/unit/' + encodeURIComponent(name);
  }

  async function getJson(url) {
    const r = await fetch(url, { cache: 'no-store', headers: { Accept: 'application/json' } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      const e = new Error('[' + r.status + '] ' + (body.error || r.statusText) + (body.detail ? ': ' + body.detail : ''));
      e.status = r.status;
      throw e;
    }
    return body;
  }

  function remember(sample) {
    const before = state.last.get(sample.unit);
    if (before) state.prev.set(sample.unit, before);
    state.last.set(sample.unit, sample);
  }

  function setStatus(kind, text) {
    statusLine.className = 'status ' + kind;
    statusLine.textContent = text;
  }

  function clockNow() {
    return new Date().toLocaleTimeString([], { hour12: false });
  }

  // ---- usage cells, shared by the table and the unit page ------------------------------------

  /** A bar of fraction (clamped to 0..1) with an optional mark (MemoryHigh on a MemoryMax bar). */
  function bar(fraction, mark, title) {
    const b = h('div', { class: 'bar', title, 'data-fraction': fraction.toFixed(4) });
    const fill = h('span', { class: 'fill' + (fraction >= 0.9 ? ' crit' : fraction >= 0.75 ? ' warn' : '') });
    fill.style.width = (Math.min(Math.max(fraction, 0), 1) * 100).toFixed(2) + '%';
    b.append(fill);
    if (mark !== null) {
      const m = h('span', { class: 'mark', title: 'MemoryHigh' });
      m.style.left = (mark * 100).toFixed(2) + '%';
      b.append(m);
    }
    return b;
  }

  /** A bar (or null: no limit to draw it against) with its numbers. */
  function meter(barOrNull, numbers) {
    return h('div', { class: 'meter' }, barOrNull, numbers);
  }

  function memoryCell(unit) {
    const m = S.memory(unit);
    if (m.current === null) return [h('span', { class: 'absent', text: '–' })];
    const text = S.formatBytes(m.current) + (m.scale ? ' / ' + S.formatBytes(m.scale) : '');
    const title = 'memory.current ' + S.formatBytes(m.current) + '; MemoryMax ' + S.formatLimit(m.max, S.formatBytes)
      + '; MemoryHigh ' + S.formatLimit(m.high, S.formatBytes);
    return [meter(m.fraction === null ? null : bar(m.fraction, m.highMark, title),
      h('span', { class: 'num', title, text: text + (m.scaleBy === 'high' ? ' (high)' : '') }))];
  }

  function cpuCell(name) {
    const s = state.last.get(name);
    const rate = S.cpuRate(state.prev.get(name), s);
    const q = S.cpuQuota(s);
    if (!s || !s.usage || s.usage.cpuUsageUsec === undefined) return [h('span', { class: 'absent', text: '–' })];
    const text = (rate === null ? '…' : S.formatCpus(rate)) + (q.kind === 'set' ? ' / ' + S.formatCpus(q.value) : '');
    const title = 'CPUs busy over the last ' + POLL_MS / 1000 + ' s; CPUQuota ' + S.formatLimit(q, v => S.formatCpus(v) + ' CPU');
    return [meter(q.kind === 'set' && rate !== null ? bar(rate / q.value, null, title) : null,
      h('span', { class: 'num', title, text }))];
  }

  function throttledCell(name) {
    const share = S.throttledShare(state.prev.get(name), state.last.get(name));
    const u = (state.last.get(name) || {}).usage || {};
    // without a quota no CFS period ever runs out: nothing to throttle
    if (u.cpuPeriods === undefined || S.cpuQuota(state.last.get(name)).kind !== 'set') {
      return [h('span', { class: 'absent', text: '–' })];
    }
    const total = u.cpuPeriods > 0 ? u.cpuThrottledPeriods / u.cpuPeriods : 0;
    return [h('span', {
      class: 'num' + (share !== null && share > 0.25 ? ' bad' : ''),
      title: 'periods throttled over the last poll; since start ' + S.formatPercent(total * 100) + ' of '
        + u.cpuPeriods + ' periods',
      text: share === null ? '…' : S.formatPercent(share * 100),
    })];
  }

  function pressureCell(unit) {
    const parts = [['cpu', 'cpu'], ['mem', 'memory'], ['io', 'io']].map(([label, key]) => {
      const v = S.pressure(unit, key);
      return v === null ? null : h('span', { class: 'psi' + (v >= 10 ? ' bad' : v > 0 ? ' warn' : ''),
        title: key + ' pressure, some avg10', text: label + ' ' + S.formatPercent(v) });
    }).filter(p => p !== null);
    return [parts.length ? h('span', { class: 'psis' }, ...parts) : h('span', { class: 'absent', text: '–' })];
  }

  function oomCell(unit) {
    const n = ((unit && unit.usage) || {}).oomKills;
    return [n === undefined ? h('span', { class: 'absent', text: '–' })
      : h('span', { class: 'num' + (n > 0 ? ' bad' : ''), text: String(n) })];
  }

  function tasksCell(unit) {
    const n = ((unit && unit.usage) || {}).pidsCurrent;
    const max = S.limit(((unit && unit.limits) || {}).pidsMax);
    return [n === undefined ? h('span', { class: 'absent', text: '–' })
      : h('span', { class: 'num', text: n + (max.kind === 'set' ? ' / ' + max.value : '') })];
  }

  function stateText(unit) {
    if (!unit.activeState) return '–';
    return unit.activeState + (unit.subState && unit.subState !== unit.activeState ? ' (' + unit.subState + ')' : '');
  }

  function stateBadge(unit) {
    return h('span', { class: 'state s-' + (unit.activeState || 'unknown'), text: stateText(unit) });
  }

  // ---- the table ------------------------------------------------------------------------------

  const COLUMNS = [
    ['unit', 'Unit'], ['state', 'State'], ['memory', 'Memory'], ['cpu', 'CPU'], ['throttled', 'Throttled'],
    ['pressure', 'Pressure'], ['oom', 'OOM kills'], ['tasks', 'Tasks'],
  ];

  function tablePage() {
    const filter = h('input', { type: 'search', placeholder: 'filter units', 'aria-label': 'filter units', id: 'filter' });
    const all = h('input', { type: 'checkbox', id: 'all' });
    const count = h('span', { class: 'count', id: 'count' });
    const tbody = h('tbody');
    const table = h('table', { class: 'units', id: 'units' },
      h('thead', {}, h('tr', {}, ...COLUMNS.map(([key, label]) => h('th', { class: 'c-' + key, scope: 'col', text: label })))),
      tbody);
    const page = { kind: 'table', tbody, rows: new Map(), units: [], filter, all, count };
    filter.addEventListener('input', () => renderTable(page));
    all.addEventListener('change', () => renderTable(page));
    view.replaceChildren(
      h('div', { class: 'toolbar' }, filter, h('label', { for: 'all' }, all, ' units without a cgroup'), count),
      h('div', { class: 'table-wrap' }, table),
      h('p', { class: 'note', text: 'Memory against MemoryMax (MemoryHigh when only that is set; the tick marks '
          + 'MemoryHigh), CPUs busy against CPUQuota, the share of CPU periods throttled, PSI some avg10, over '
          + 'the last ' + POLL_MS / 1000 + ' s; updated every ' + POLL_MS / 1000 + ' s.' }));
    return page;
  }

  function depthOf(unit) {
    return unit.cgroup ? Math.min(unit.cgroup.split('/').filter(Boolean).length, 4) : 0;
  }

  function renderTable(page) {
    const needle = page.filter.value.trim().toLowerCase();
    const shown = page.units.filter(u => (page.all.checked || u.cgroup) && (!needle || u.unit.toLowerCase().includes(needle)));
    const withCgroup = page.units.filter(u => u.cgroup).length;
    page.count.textContent = shown.length + ' shown · ' + withCgroup + ' with a cgroup · '
      + (page.units.length - withCgroup) + ' without';
    const keep = new Set();
    for (const u of shown) {
      keep.add(u.unit);
      let row = page.rows.get(u.unit);
      if (!row) {
        row = h('tr', { 'data-unit': u.unit });
        for (const [key, label] of COLUMNS) row.append(h('td', { class: 'c-' + key, 'data-label': label }));
        page.rows.set(u.unit, row);
      }
      const cells = row.children;
      cells[0].className = 'c-unit depth-' + depthOf(u);
      cells[0].replaceChildren(h('a', { href: unitHref(u.unit), text: u.unit }));
      cells[1].replaceChildren(stateBadge(u));
      cells[2].replaceChildren(...memoryCell(u));
      cells[3].replaceChildren(...cpuCell(u.unit));
      cells[4].replaceChildren(...throttledCell(u.unit));
      cells[5].replaceChildren(...pressureCell(u));
      cells[6].replaceChildren(...oomCell(u));
      cells[7].replaceChildren(...tasksCell(u));
      page.tbody.append(row); // in the API's order (cgroup tree, then units without one)
    }
    for (const [name, row] of page.rows) {
      if (!keep.has(name)) {
        row.remove();
        page.rows.delete(name);
      }
    }
  }

  // ---- a unit's page -------------------------------------------------------------------------

  const PLOTS = [
    { id: 'memory', title: 'Memory', yTicks: m => S.byteTicks(m, 4), yFormat: S.formatBytes, yMax: 0,
      series: s => [{ name: 'memory.current', cls: 'k-memory', points: s.memory },
        { name: 'MemoryHigh', cls: 'k-high', points: s.memoryHigh, limit: true },
        { name: 'MemoryMax', cls: 'k-max', points: s.memoryMax, limit: true }] },
    { id: 'cpu', title: 'CPU (CPUs busy)', yTicks: m => S.ticks(m, 4), yFormat: v => S.formatCpus(v), yMax: 0.1,
      series: s => [{ name: 'CPUs busy', cls: 'k-cpu', points: s.cpu },
        { name: 'CPUQuota', cls: 'k-max', points: s.cpuQuota, limit: true }] },
    { id: 'throttled', title: 'CPU periods throttled', yTicks: m => S.ticks(m, 4), yFormat: v => v + '%', yMax: 10,
      series: s => [{ name: 'throttled periods %', cls: 'k-throttled', points: s.throttled }] },
    { id: 'pressure', title: 'Pressure (some avg10)', yTicks: m => S.ticks(m, 4), yFormat: v => v + '%', yMax: 10,
      series: s => [{ name: 'cpu', cls: 'k-cpu', points: s.psiCpu },
        { name: 'memory', cls: 'k-memory', points: s.psiMemory },
        { name: 'io', cls: 'k-io', points: s.psiIo }] },
    { id: 'oom', title: 'OOM kills (total)', yTicks: m => S.ticks(Math.max(m, 2), 2), yFormat: v => String(v), yMax: 2,
      series: s => [{ name: 'oom kills', cls: 'k-max', points: s.oomKills, step: true }] },
  ];

  function rangeOfHash(hash) {
    const m = /[?&]range=(\w+)/.exec(hash);
    return m && RANGES[m[1]] ? m[1] : DEFAULT_RANGE;
  }

  function unitPage(name, range) {
    if (!state.live.has(name)) state.live.set(name, state.last.has(name) ? [state.last.get(name)] : []);
    const title = h('h1', {}, name);
    const summary = h('div', { class: 'cards', id: 'summary' });
    const note = h('p', { class: 'note', id: 'history-note', 'data-history': 'loading', text: 'loading history…' });
    const plots = PLOTS.map(p => ({ spec: p, box: h('div', { class: 'canvas', id: 'plot-' + p.id }) }));
    const limitsTable = h('tbody');
    view.replaceChildren(h('section', { class: 'unit' },
      h('nav', { class: 'crumbs' }, h('a', { href: '#/', text: '← all units' })),
      title,
      h('p', { class: 'cgroup', id: 'cgroup' }),
      summary,
      h('div', { class: 'ranges', role: 'group', 'aria-label': 'time range' },
        ...Object.keys(RANGES).map(r => h('a', { href: unitHref(name) + '?range=' + r, class: r === range ? 'on' : null,
          'aria-current': r === range ? 'true' : null, text: r }))),
      note,
      h('div', { class: 'plots' }, ...plots.map(p => h('figure', { class: 'plot-box' },
        h('figcaption', {}, h('span', { class: 'title', text: p.spec.title }), legend(p.spec)), p.box))),
      h('details', { class: 'limits' }, h('summary', { text: 'All limits and counters' }),
        h('table', {}, limitsTable))));
    const page = { kind: 'unit', unit: name, range, title, summary, note, plots, limitsTable,
      history: [], historyStep: null, historyState: 'loading', missing: null };
    loadHistory(page);
    return page;
  }

  function legend(spec) {
    const fake = { memory: [], memoryHigh: [], memoryMax: [], cpu: [], cpuQuota: [], throttled: [], psiCpu: [],
      psiMemory: [], psiIo: [], oomKills: [] };
    return h('span', { class: 'legend' }, ...spec.series(fake).map(s =>
      h('span', { class: 'key ' + s.cls + (s.limit ? ' limit' : ''), text: s.name })));
  }

  async function loadHistory(page) {
    const until = Date.now();
    const url = S.historyUrl(page.unit, until - RANGES[page.range], until, HISTORY_POINTS);
    try {
      const body = await getJson(url);
      page.history = S.historySamples(body);
      page.historyStep = Math.max(1000, (RANGES[page.range] / HISTORY_POINTS));
      page.historyState = 'available';
      page.note.dataset.history = 'available';
      page.note.textContent = 'History: ' + page.history.length + ' samples (step ' + (body.step || '?') + ') since '
        + new Date(until - RANGES[page.range]).toLocaleString() + '; live samples appended every ' + POLL_MS / 1000 + ' s.';
    } catch (e) {
      page.historyState = 'unavailable';
      page.note.dataset.history = 'unavailable';
      page.note.textContent = 'History is not available from this agent (' + e.message + '). Plotting the samples '
        + 'this page gathered since it was opened, every ' + POLL_MS / 1000 + ' s.';
    }
    if (state.page === page) renderUnit(page);
  }

  function card(label, ...value) {
    return h('div', { class: 'card' }, h('div', { class: 'label', text: label }), h('div', { class: 'value' }, ...value));
  }

  function renderUnit(page) {
    const live = state.live.get(page.unit) || [];
    const u = state.last.get(page.unit);
    if (page.missing) {
      page.summary.replaceChildren(h('p', { class: 'note bad', text: page.missing }));
    } else if (u) {
      page.title.replaceChildren(page.unit, ' ', stateBadge(u));
      document.getElementById('cgroup').textContent = u.cgroup ? 'cgroup ' + u.cgroup : 'no cgroup (not running)';
      page.summary.replaceChildren(
        card('Memory', ...memoryCell(u)),
        card('CPU', ...cpuCell(page.unit)),
        card('Throttled', ...throttledCell(page.unit)),
        card('Pressure', ...pressureCell(u)),
        card('OOM kills', ...oomCell(u)),
        card('Tasks', ...tasksCell(u)));
      renderLimits(page, u);
    }
    const now = Date.now();
    const samples = S.merge(page.history, live);
    const from = page.historyState === 'available' ? now - RANGES[page.range]
      : Math.min(samples.length ? samples[0].timeUsec / 1000 : now, now - 60e3);
    const series = S.seriesOf(samples, Math.max(3 * (page.historyStep || POLL_MS), 5 * POLL_MS));
    let drawn = 0;
    for (const p of page.plots) {
      drawn += ServdPlot.draw(p.box, { label: p.spec.title + ' of ' + page.unit, from, to: now, yMax: p.spec.yMax,
        yTicks: p.spec.yTicks, yFormat: p.spec.yFormat, series: p.spec.series(series) });
    }
    root.dataset.points = drawn;
    root.dataset.samples = samples.length;
  }

  function renderLimits(page, u) {
    const rows = [];
    for (const [group, obj] of [['limits', u.limits || {}], ['usage', u.usage || {}]]) {
      for (const [k, v] of Object.entries(obj)) {
        if (k === 'pressure') continue;
        rows.push(h('tr', {}, h('th', { scope: 'row', text: group + '.' + k }),
          h('td', { text: typeof v === 'object' ? JSON.stringify(v) : String(v) })));
      }
    }
    page.limitsTable.replaceChildren(...rows);
  }

  // ---- polling and routing ---------------------------------------------------------------------

  async function poll(generation) {
    const page = state.page;
    try {
      if (page.kind === 'table') {
        const body = await getJson('/v1/units');
        const now = Date.now();
        for (const u of body.units) remember(S.sampleOf(u, now));
        page.units = body.units;
        if (generation === state.generation) renderTable(page);
      } else {
        try {
          const sample = S.sampleOf(await getJson('/v1/units/' + encodeURIComponent(page.unit)), Date.now());
          remember(sample);
          const live = state.live.get(page.unit);
          live.push(sample);
          if (live.length > LIVE_KEEP) live.splice(0, live.length - LIVE_KEEP);
          page.missing = null;
        } catch (e) {
          if (e.status !== 404 && e.status !== 400) throw e;
          page.missing = 'No unit [' + page.unit + '] here now ' + e.message;
        }
        if (generation === state.generation) renderUnit(page);
      }
      state.polls++;
      root.dataset.polls = state.polls;
      root.dataset.view = page.kind;
      if (!root.dataset.firstRenderMs) root.dataset.firstRenderMs = Math.round(performance.now());
      // wider than the window: the page scrolls sideways (WebViewIT looks at narrow windows)
      root.dataset.scrollWidth = root.scrollWidth;
      root.dataset.clientWidth = root.clientWidth;
      setStatus('live', 'live · ' + clockNow());
    } catch (e) {
      setStatus('error', 'agent unreachable: ' + e.message + ' · retrying every ' + POLL_MS / 1000 + ' s');
    } finally {
      if (generation === state.generation) state.timer = setTimeout(() => poll(generation), POLL_MS);
    }
  }

  function route() {
    clearTimeout(state.timer);
    state.generation++;
    const name = S.unitOfHash(location.hash);
    state.page = name === null ? tablePage() : unitPage(name, rangeOfHash(location.hash));
    document.title = name === null ? 'servd' : name + ' · servd';
    poll(state.generation);
  }

  let resizing = false;
  window.addEventListener('resize', () => {
    if (resizing || !state.page || state.page.kind !== 'unit') return;
    resizing = true;
    requestAnimationFrame(() => {
      resizing = false;
      renderUnit(state.page);
    });
  });
  window.addEventListener('hashchange', route);
  window.addEventListener('load', () => {
    const nav = performance.getEntriesByType('navigation')[0];
    if (nav) root.dataset.loadMs = Math.round(nav.loadEventStart);
  });
  route();
})();
