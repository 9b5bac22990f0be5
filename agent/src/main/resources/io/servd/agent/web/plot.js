// servd web view: line plots as SVG, drawn to the width of their container. Styles (colours,
// dashes) come from servd.css by class: nothing inline, as the Content-Security-Policy wants.
'use strict';

const ServdPlot = (() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const HEIGHT = 170;
  const PAD = { left: 62, right: 10, top: 10, bottom: 24 };

  function el(name, attrs, text) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /**
   * The SVG path of points ([x, y] with y null for a gap) through the scales sx, sy: one "M" per run
   * of values, so a gap breaks the line; step: hold each value until the next point (counters).
   */
  function pathOf(points, sx, sy, step) {
    let d = '';
    let open = false;
    for (const [x, y] of points) {
      if (y === null || y === undefined) {
        open = false;
        continue;
      }
      const px = sx(x).toFixed(1), py = sy(y).toFixed(1);
      if (!open) d += 'M' + px + ' ' + py;
      else d += (step ? 'H' + px + 'V' + py : 'L' + px + ' ' + py);
      open = true;
    }
    return d;
  }

  /**
   * Draws a plot into container (emptied first).
   * spec: {label, from, to (ms), yMax (at least), yTicks(max) → values, yFormat(v) → text,
   *        series: [{name, cls, points, step?, limit?}]}
   * A series with limit: true is a dashed limit line. Returns the number of points drawn.
   */
  function draw(container, spec) {
    container.textContent = '';
    const width = Math.max(260, Math.floor(container.clientWidth || 600));
    const innerW = width - PAD.left - PAD.right, innerH = HEIGHT - PAD.top - PAD.bottom;
    const visible = spec.series.map(s => ({ ...s, points: s.points.filter(p => p[0] >= spec.from - 1 && p[0] <= spec.to + 1) }));
    const top = Math.max(spec.yMax || 0, ServdSeries.maxOf(...visible.map(s => s.points)));
    const yTicks = spec.yTicks(top > 0 ? top : 1);
    const yTop = yTicks[yTicks.length - 1];
    const sx = x => PAD.left + (spec.to > spec.from ? (x - spec.from) / (spec.to - spec.from) : 1) * innerW;
    const sy = y => PAD.top + innerH - (y / yTop) * innerH;

    const svg = el('svg', { width, height: HEIGHT, viewBox: '0 0 ' + width + ' ' + HEIGHT, class: 'plot', role: 'img',
      'aria-label': spec.label });
    const grid = el('g', { class: 'grid' });
    for (const v of yTicks) {
      const y = sy(v).toFixed(1);
      grid.appendChild(el('line', { x1: PAD.left, x2: width - PAD.right, y1: y, y2: y }));
      grid.appendChild(el('text', { x: PAD.left - 6, y: Number(y) + 4, class: 'y' }, spec.yFormat(v)));
    }
    const xTicks = ServdSeries.timeTicks(spec.from, spec.to, Math.max(2, Math.floor(innerW / 90)),
      new Date(spec.to).getTimezoneOffset());
    for (const t of xTicks) {
      const x = sx(t).toFixed(1);
      grid.appendChild(el('line', { x1: x, x2: x, y1: PAD.top, y2: PAD.top + innerH, class: 'v' }));
      grid.appendChild(el('text', { x, y: HEIGHT - 6, class: 'x' }, clock(t, spec.to - spec.from)));
    }
    svg.appendChild(grid);

    let drawn = 0;
    for (const s of visible) {
      const d = pathOf(s.points, sx, sy, s.step);
      if (!d) continue;
      const n = ServdSeries.drawable(s.points);
      drawn += n;
      const path = el('path', { d, class: 'series ' + s.cls + (s.limit ? ' limit' : ''), 'data-series': s.name, 'data-points': n });
      path.appendChild(el('title', {}, s.name));
      svg.appendChild(path);
      // a lone point has no line to show it: a dot
      if (n === 1) {
        const p = s.points.find(q => q[1] !== null);
        svg.appendChild(el('circle', { cx: sx(p[0]).toFixed(1), cy: sy(p[1]).toFixed(1), r: 2.5, class: 'dot ' + s.cls }));
      }
    }
    svg.setAttribute('data-points', drawn);
    container.appendChild(svg);
    return drawn;
  }

  /** HH:MM, or HH:MM:SS on spans under ten minutes. */
  function clock(ms, spanMs) {
    const d = new Date(ms);
    const two = n => String(n).padStart(2, '0');
    return two(d.getHours()) + ':' + two(d.getMinutes()) + (spanMs < 600000 ? ':' + two(d.getSeconds()) : '');
  }

  return { draw, pathOf };
})();
