// servd web view: the data logic. Plain functions over the agent's JSON (agent/API.md) and nothing
// of the DOM, so that a test page runs them as they are (agent/src/test/resources/web/series-test.js).
//
// Conventions of the API kept here: a limit is a number, the string "max" (unlimited) or an absent
// key (the controller is not enabled); counters are cumulative integers (bytes, microseconds). A
// sample is a unit object plus "timeUsec" (microseconds since the epoch): what one history entry is,
// and what the page makes of each poll of /v1/units/{unit}.
'use strict';

const ServdSeries = (() => {
  const KIB = 1024;

  /** A limit as the API gives it: {kind: 'set', value} | {kind: 'max'} | {kind: 'absent'}. */
  function limit(value) {
    if (typeof value === 'number' && Number.isFinite(value)) return { kind: 'set', value };
    if (value === 'max') return { kind: 'max' };
    return { kind: 'absent' };
  }

  function num(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  }

  function usage(unit) {
    return (unit && unit.usage) || {};
  }

  function limits(unit) {
    return (unit && unit.limits) || {};
  }

  /**
   * A unit's memory against its limits: current bytes (null when absent), MemoryMax and MemoryHigh
   * as limits, and the scale a bar is drawn against: MemoryMax when set, else MemoryHigh when set,
   * else none (an unlimited unit has a number, not a bar). fraction is current / scale, not clamped.
   */
  function memory(unit) {
    const current = num(usage(unit).memoryCurrentBytes);
    const max = limit(limits(unit).memoryMaxBytes);
    const high = limit(limits(unit).memoryHighBytes);
    const scaleBy = max.kind === 'set' ? 'max' : high.kind === 'set' ? 'high' : null;
    const scale = scaleBy === 'max' ? max.value : scaleBy === 'high' ? high.value : null;
    return {
      current, max, high, scaleBy, scale,
      fraction: current !== null && scale ? current / scale : null,
      // where MemoryHigh sits on a bar drawn against MemoryMax
      highMark: scaleBy === 'max' && high.kind === 'set' ? Math.min(high.value / max.value, 1) : null,
    };
  }

  /** CPUQuota as CPUs (quota / period): {kind: 'set', value} | {kind: 'max'} | {kind: 'absent'}. */
  function cpuQuota(unit) {
    const cpuMax = limits(unit).cpuMax;
    if (!cpuMax) return { kind: 'absent' };
    const quota = limit(cpuMax.quotaUsec);
    const period = num(cpuMax.periodUsec);
    if (quota.kind === 'set' && period) return { kind: 'set', value: quota.value / period };
    return quota.kind === 'max' ? { kind: 'max' } : { kind: 'absent' };
  }

  /**
   * The rate of a counter between two samples, per microsecond of wall time: for cpuUsageUsec that
   * is CPUs busy. Null when either value is missing, time did not advance, or the counter went back
   * (the unit restarted: its cgroup and counters are new).
   */
  function rate(prev, next, read) {
    if (!prev || !next) return null;
    const a = num(read(prev)), b = num(read(next));
    const dt = num(next.timeUsec) - num(prev.timeUsec);
    if (a === null || b === null || !(dt > 0) || b < a) return null;
    return (b - a) / dt;
  }

  /** CPUs busy between two samples (cpu.stat usage_usec per wall-clock microsecond). */
  function cpuRate(prev, next) {
    return rate(prev, next, s => usage(s).cpuUsageUsec);
  }

  /**
   * The share of CFS periods that were throttled between two samples (nr_throttled / nr_periods of
   * the interval), 0..1: 0 when no period elapsed (the unit wanted no CPU); null when a counter is
   * missing or went back (a restart).
   */
  function throttledShare(prev, next) {
    if (!prev || !next) return null;
    const p0 = num(usage(prev).cpuPeriods), p1 = num(usage(next).cpuPeriods);
    const t0 = num(usage(prev).cpuThrottledPeriods), t1 = num(usage(next).cpuThrottledPeriods);
    if ([p0, p1, t0, t1].includes(null) || p1 < p0 || t1 < t0) return null;
    return p1 === p0 ? 0 : Math.min((t1 - t0) / (p1 - p0), 1);
  }

  /** PSI "some avg10" of one resource ('cpu', 'memory', 'io') in percent, null when absent. */
  function pressure(unit, resource) {
    const p = usage(unit).pressure;
    return p && p[resource] ? num(p[resource].someAvg10) : null;
  }

  /**
   * A unit object polled at timeMs (milliseconds since the epoch, the browser's clock) as a sample,
   * marked live: the unit object carries no time of its own.
   */
  function sampleOf(unit, timeMs) {
    return Object.assign({}, unit, { time: new Date(timeMs).toISOString(), timeUsec: Math.round(timeMs * 1000), live: true });
  }

  /**
   * The samples of a history answer ({"unit", "since", "until", "step", "samples": [...]}), each
   * with a numeric timeUsec (from "time" when only that is given), oldest first.
   */
  function historySamples(body) {
    const samples = body && Array.isArray(body.samples) ? body.samples : [];
    return samples
      .map(s => (num(s.timeUsec) !== null ? s
        : typeof s.time === 'string' && !Number.isNaN(Date.parse(s.time))
          ? Object.assign({}, s, { timeUsec: Date.parse(s.time) * 1000 }) : null))
      .filter(s => s !== null)
      .sort((a, b) => a.timeUsec - b.timeUsec);
  }

  /** History and live samples as one series: sorted by time, one sample per timeUsec (live wins). */
  function merge(history, live) {
    const byTime = new Map();
    for (const s of history) byTime.set(s.timeUsec, s);
    for (const s of live) byTime.set(s.timeUsec, s);
    return [...byTime.values()].sort((a, b) => a.timeUsec - b.timeUsec);
  }

  /**
   * The plot series of a unit's samples (oldest first). Each series is a list of [timeMs, value]
   * points; null values break a line (absent, unlimited, or the gap before a sample that came more
   * than maxGapMs after the previous one: the agent was down or the unit did not exist).
   * Rates (cpu, throttled) take a point at the later sample of each pair, never of a pair of a
   * history sample (the agent's clock) and a live one (the browser's, which may be off by seconds).
   */
  function seriesOf(samples, maxGapMs) {
    const out = {
      memory: [], memoryMax: [], memoryHigh: [], cpu: [], cpuQuota: [], throttled: [],
      psiCpu: [], psiMemory: [], psiIo: [], oomKills: [],
    };
    let prev = null;
    for (const s of samples) {
      const t = s.timeUsec / 1000;
      if (prev && maxGapMs && t - prev.timeUsec / 1000 > maxGapMs) {
        const gap = (t + prev.timeUsec / 1000) / 2;
        for (const key of Object.keys(out)) out[key].push([gap, null]);
        prev = null; // no rate across the gap
      }
      const m = memory(s);
      const q = cpuQuota(s);
      out.memory.push([t, m.current]);
      out.memoryMax.push([t, m.max.kind === 'set' ? m.max.value : null]);
      out.memoryHigh.push([t, m.high.kind === 'set' ? m.high.value : null]);
      out.cpuQuota.push([t, q.kind === 'set' ? q.value : null]);
      out.psiCpu.push([t, pressure(s, 'cpu')]);
      out.psiMemory.push([t, pressure(s, 'memory')]);
      out.psiIo.push([t, pressure(s, 'io')]);
      out.oomKills.push([t, num(usage(s).oomKills)]);
      if (prev && Boolean(prev.live) !== Boolean(s.live)) {
        out.cpu.push([t, null]);
        out.throttled.push([t, null]);
      } else if (prev) {
        out.cpu.push([t, cpuRate(prev, s)]);
        const share = throttledShare(prev, s);
        out.throttled.push([t, share === null ? null : share * 100]);
      }
      prev = s;
    }
    return out;
  }

  /** The number of points of a series that have a value (what a plot can draw). */
  function drawable(points) {
    return points.filter(p => p[1] !== null).length;
  }

  /** The largest value of some series (0 when none has any). */
  function maxOf(...series) {
    let max = 0;
    for (const points of series) for (const p of points) if (p[1] !== null && p[1] > max) max = p[1];
    return max;
  }

  /** Round steps: the smallest 1, 2 or 5 × 10^k that splits [0, max] into at most count parts. */
  function niceStep(max, count) {
    if (!(max > 0)) return 1;
    const raw = max / count;
    const pow = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
    return 10 * pow;
  }

  /** Axis ticks from 0 to at least max: [0, step, 2·step, …]; the last one is the axis' top. */
  function ticks(max, count) {
    const step = niceStep(max, count);
    const top = Math.max(step, Math.ceil(max / step - 1e-9) * step);
    const out = [];
    for (let v = 0; v <= top + step / 2; v += step) out.push(Number(v.toPrecision(12)));
    return out;
  }

  /** Ticks for bytes: round numbers of the binary unit the top falls in (KiB, MiB, GiB…). */
  function byteTicks(max, count) {
    const unit = binaryUnit(max);
    return ticks(max / unit.size, count).map(v => v * unit.size);
  }

  const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

  function binaryUnit(bytes) {
    let i = 0;
    while (i < UNITS.length - 1 && Math.abs(bytes) >= Math.pow(KIB, i + 1)) i++;
    return { size: Math.pow(KIB, i), name: UNITS[i] };
  }

  /** Bytes with binary units, three significant digits: 184320 → "180 KiB", 67108864 → "64.0 MiB". */
  function formatBytes(bytes) {
    if (bytes === null || bytes === undefined) return '–';
    const unit = binaryUnit(bytes);
    const v = bytes / unit.size;
    const text = unit.size === 1 ? String(Math.round(v)) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
    return text + ' ' + unit.name;
  }

  /** A limit for people: a number formatted by format, "max" as "∞", absent as "–". */
  function formatLimit(l, format) {
    return l.kind === 'set' ? format(l.value) : l.kind === 'max' ? '∞' : '–';
  }

  /** CPUs: 0.5 → "0.50", 2 → "2.00", 12.345 → "12.3". */
  function formatCpus(cpus) {
    if (cpus === null || cpus === undefined) return '–';
    return cpus >= 10 ? cpus.toFixed(1) : cpus.toFixed(2);
  }

  /** A percentage 0..100 with at most one decimal: 40.07 → "40.1%", 0 → "0%". */
  function formatPercent(p) {
    if (p === null || p === undefined) return '–';
    return (p === 0 ? '0' : p >= 10 ? p.toFixed(0) : p.toFixed(1)) + '%';
  }

  const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

  /**
   * Time-axis ticks between two instants (ms): multiples of the smallest round step (1 s … 1 d) that
   * gives at most count ticks, aligned to the local clock (offsetMin: Date's getTimezoneOffset()).
   */
  function timeTicks(fromMs, toMs, count, offsetMin) {
    const span = toMs - fromMs;
    if (!(span > 0)) return [];
    const stepS = TIME_STEPS_S.find(s => (span / 1000) / s <= count) || TIME_STEPS_S[TIME_STEPS_S.length - 1];
    const step = stepS * 1000;
    const shift = -(offsetMin || 0) * 60000; // local time = UTC + shift
    const out = [];
    for (let t = Math.ceil((fromMs + shift) / step) * step - shift; t <= toMs; t += step) out.push(t);
    return out;
  }

  /** The history query for a unit over [sinceMs, untilMs] with about points samples: a relative URL. */
  function historyUrl(unitName, sinceMs, untilMs, points) {
    const stepS = Math.max(1, Math.round((untilMs - sinceMs) / 1000 / points));
    return '/v1/units/' + encodeURIComponent(unitName) + '/history?since=' + encodeURIComponent(new Date(sinceMs).toISOString())
      + '&until=' + encodeURIComponent(new Date(untilMs).toISOString()) + '&step=' + stepS + 's';
  }

  /** The unit named by a location hash "#/unit/<percent-encoded name>", or null for any other view. */
  function unitOfHash(hash) {
    const m = /^#\/unit\/([^/?]+)/.exec(hash || '');
    if (!m) return null;
    try {
      return decodeURIComponent(m[1]);
    } catch (e) {
      return null;
    }
  }

  return {
    limit, memory, cpuQuota, rate, cpuRate, throttledShare, pressure, sampleOf, historySamples, merge,
    seriesOf, drawable, maxOf, niceStep, ticks, byteTicks, formatBytes, formatLimit, formatCpus,
    formatPercent, timeTicks, historyUrl, unitOfHash,
  };
})();
