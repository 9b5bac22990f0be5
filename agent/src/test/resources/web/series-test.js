// Tests of the web view's data logic (series.js, plot.js's pathOf), run in Chromium by WebViewIT:
// each test is one <li data-result="pass|fail"> of #results, and <html> gets data-passed and
// data-failed when all have run. Units below are cut from the captured fixture debian12-systemd252
// (foo.service: MemoryMax=64M, CPUQuota=50%).
'use strict';

(() => {
  const S = ServdSeries;
  const results = document.getElementById('results');
  let passed = 0, failed = 0;

  function same(actual, expected) {
    return JSON.stringify(actual) === JSON.stringify(expected);
  }

  function eq(actual, expected, what) {
    if (!same(actual, expected)) {
      throw new Error((what ? what + ': ' : '') + 'expected ' + JSON.stringify(expected) + ', got ' + JSON.stringify(actual));
    }
  }

  function near(actual, expected, what) {
    if (typeof actual !== 'number' || Math.abs(actual - expected) > 1e-9) {
      throw new Error((what ? what + ': ' : '') + 'expected ~' + expected + ', got ' + JSON.stringify(actual));
    }
  }

  function test(name, body) {
    const li = document.createElement('li');
    try {
      body();
      li.dataset.result = 'pass';
      li.textContent = name;
      passed++;
    } catch (e) {
      li.dataset.result = 'fail';
      li.textContent = name + ': ' + e.message;
      failed++;
    }
    results.append(li);
  }

  const foo = {
    unit: 'foo.service', cgroup: '/system.slice/foo.service',
    limits: { memoryMaxBytes: 67108864, memoryHighBytes: 'max', cpuMax: { quotaUsec: 50000, periodUsec: 100000 }, pidsMax: 100 },
    usage: { cpuUsageUsec: 8400643, cpuPeriods: 170, cpuThrottledPeriods: 165, cpuThrottledUsec: 8391799,
      memoryCurrentBytes: 184320, pidsCurrent: 1, oomKills: 0,
      pressure: { cpu: { someAvg10: 40.07 }, memory: { someAvg10: 0.0 } } },
  };
  function at(unit, seconds, usage) {
    return Object.assign({}, unit, { timeUsec: seconds * 1e6, usage: Object.assign({}, unit.usage, usage || {}) });
  }
  function withLimits(unit, limits) {
    return Object.assign({}, unit, { limits: Object.assign({}, unit.limits, limits) });
  }

  test('a limit is a number, "max" or absent', () => {
    eq(S.limit(67108864), { kind: 'set', value: 67108864 });
    eq(S.limit('max'), { kind: 'max' });
    eq(S.limit(undefined), { kind: 'absent' });
    eq(S.limit('67108864'), { kind: 'absent' }, 'a string number is not a limit');
  });

  test('memory is drawn against MemoryMax', () => {
    const m = S.memory(foo);
    eq(m.scaleBy, 'max');
    near(m.fraction, 184320 / 67108864);
    eq(m.highMark, null, 'MemoryHigh=max has no mark');
  });

  test('MemoryHigh under MemoryMax is a mark on the bar', () => {
    near(S.memory(withLimits(foo, { memoryHighBytes: 41943040 })).highMark, 0.625);
  });

  test('memory with only MemoryHigh is drawn against it; unlimited memory has no bar', () => {
    const high = S.memory(withLimits(foo, { memoryMaxBytes: 'max', memoryHighBytes: 368640 }));
    eq(high.scaleBy, 'high');
    near(high.fraction, 0.5);
    const none = S.memory(withLimits(foo, { memoryMaxBytes: 'max' }));
    eq([none.scaleBy, none.fraction, none.current], [null, null, 184320]);
  });

  test('memory of a unit without the memory controller is absent, not zero', () => {
    const m = S.memory({ unit: '-.slice', limits: {}, usage: { cpuUsageUsec: 1 } });
    eq([m.current, m.fraction, m.max.kind], [null, null, 'absent']);
  });

  test('CPUQuota as CPUs from cpu.max', () => {
    eq(S.cpuQuota(foo), { kind: 'set', value: 0.5 });
    eq(S.cpuQuota(withLimits(foo, { cpuMax: { quotaUsec: 'max', periodUsec: 100000 } })), { kind: 'max' });
    eq(S.cpuQuota({ limits: {} }), { kind: 'absent' });
  });

  test('CPU rate is usage per wall-clock time, in CPUs', () => {
    near(S.cpuRate(at(foo, 10), at(foo, 12, { cpuUsageUsec: 8400643 + 1000000 })), 0.5);
  });

  test('no CPU rate across a counter reset, without time passing, or from one sample', () => {
    eq(S.cpuRate(at(foo, 10), at(foo, 12, { cpuUsageUsec: 5 })), null, 'restart');
    eq(S.cpuRate(at(foo, 10), at(foo, 10, { cpuUsageUsec: 9000000 })), null, 'same time');
    eq(S.cpuRate(null, at(foo, 10)), null, 'first sample');
  });

  test('throttled share is throttled periods over elapsed periods', () => {
    near(S.throttledShare(at(foo, 0), at(foo, 2, { cpuPeriods: 190, cpuThrottledPeriods: 175 })), 0.5);
    eq(S.throttledShare(at(foo, 0), at(foo, 2)), 0, 'no period elapsed: nothing throttled');
    eq(S.throttledShare(at(foo, 0), at({ usage: {} }, 2)), null, 'no counters');
  });

  test('pressure is some avg10 in percent, absent when the file is', () => {
    eq(S.pressure(foo, 'cpu'), 40.07);
    eq(S.pressure(foo, 'io'), null);
  });

  test('a poll becomes a sample at its time', () => {
    const s = S.sampleOf(foo, Date.UTC(2026, 11, 3, 3, 0, 0));
    eq([s.time, s.timeUsec, s.unit], ['2026-12-03T03:00:00.000Z', Date.UTC(2026, 11, 3, 3, 0, 0) * 1000, 'foo.service']);
  });

  test('history samples are sorted, timed from "time" when timeUsec is missing, junk dropped', () => {
    const samples = S.historySamples({ unit: 'foo.service', step: '5s', samples: [
      Object.assign({ time: '2026-12-03T03:00:05Z', timeUsec: Date.UTC(2026, 11, 3, 3, 0, 5) * 1000 }, foo),
      Object.assign({ time: '2026-12-03T03:00:00Z' }, foo),
      { note: 'no time at all' },
    ] });
    eq(samples.map(s => s.timeUsec), [Date.UTC(2026, 11, 3, 3, 0, 0) * 1000, Date.UTC(2026, 11, 3, 3, 0, 5) * 1000]);
    eq(S.historySamples({ error: 'not found' }), []);
  });

  test('history and live merge into one series, one sample per time, live last', () => {
    const history = [at(foo, 0), at(foo, 5, { memoryCurrentBytes: 1 })];
    const live = [at(foo, 5, { memoryCurrentBytes: 2 }), at(foo, 7)];
    const merged = S.merge(history, live);
    eq(merged.map(s => s.timeUsec / 1e6), [0, 5, 7]);
    eq(merged[1].usage.memoryCurrentBytes, 2);
  });

  test('series: memory per sample, limits as lines, rates per pair', () => {
    const samples = [at(foo, 0), at(foo, 2, { cpuUsageUsec: 8400643 + 1000000, memoryCurrentBytes: 200000 }),
      at(foo, 4, { cpuUsageUsec: 8400643 + 1500000 })];
    const s = S.seriesOf(samples, 10000);
    eq(s.memory, [[0, 184320], [2000, 200000], [4000, 184320]]);
    eq(s.memoryMax.map(p => p[1]), [67108864, 67108864, 67108864]);
    eq(s.memoryHigh.map(p => p[1]), [null, null, null], 'MemoryHigh=max is no line');
    eq(s.cpu.map(p => p[0]), [2000, 4000]);
    near(s.cpu[0][1], 0.5);
    near(s.cpu[1][1], 0.25);
    eq(s.cpuQuota.map(p => p[1]), [0.5, 0.5, 0.5]);
    eq(s.psiCpu.map(p => p[1]), [40.07, 40.07, 40.07]);
    eq(s.oomKills.map(p => p[1]), [0, 0, 0]);
  });

  test('series break at a gap longer than maxGap, with no rate across it', () => {
    const s = S.seriesOf([at(foo, 0), at(foo, 2), at(foo, 60), at(foo, 62)], 10000);
    eq(s.memory.map(p => p[1] === null ? null : p[0]), [0, 2000, null, 60000, 62000]);
    eq(s.cpu.map(p => p[0]), [2000, 31000, 62000]);
    eq(s.cpu[1][1], null);
    eq(S.drawable(s.memory), 4);
  });

  test('no rate between a history sample and a live one: their clocks differ', () => {
    const history = at(foo, 0);
    const live = Object.assign(at(foo, 2, { cpuUsageUsec: 8400643 + 1000000 }), { live: true });
    const next = Object.assign(at(foo, 4, { cpuUsageUsec: 8400643 + 2000000 }), { live: true });
    const s = S.seriesOf([history, live, next], 10000);
    eq(s.cpu.map(p => p[1]), [null, 0.5]);
    eq(s.memory.length, 3, 'every sample still has its memory');
    eq(S.sampleOf(foo, 0).live, true);
  });

  test('round axis ticks', () => {
    eq(S.ticks(0.5, 4), [0, 0.2, 0.4, 0.6]);
    eq(S.ticks(100, 4), [0, 50, 100]);
    eq(S.ticks(0, 4), [0, 1]);
    eq(S.byteTicks(67108864, 4), [0, 20, 40, 60, 80].map(v => v * 1048576));
  });

  test('time ticks on round local times', () => {
    eq(S.timeTicks(0, 60000, 4, 0), [0, 15000, 30000, 45000, 60000]);
    eq(S.timeTicks(1000, 3600e3, 4, 0), [900e3, 1800e3, 2700e3, 3600e3]);
    eq(S.timeTicks(0, 7200e3, 2, -90), [1800e3, 5400e3], 'UTC+1:30 aligns hours locally');
  });

  test('numbers for people', () => {
    eq(S.formatBytes(184320), '180 KiB');
    eq(S.formatBytes(67108864), '64.0 MiB');
    eq(S.formatBytes(512), '512 B');
    eq(S.formatBytes(1.5 * 1073741824), '1.50 GiB');
    eq(S.formatCpus(0.5), '0.50');
    eq(S.formatPercent(40.07), '40%');
    eq(S.formatPercent(2.345), '2.3%');
    eq(S.formatPercent(0), '0%');
    eq(S.formatLimit(S.limit('max'), S.formatBytes), '∞');
  });

  test('the history query', () => {
    const url = S.historyUrl('foo@bar.service', Date.UTC(2026, 11, 3, 2), Date.UTC(2026, 11, 3, 3), 360);
    eq(url, '/v1/units/foo%40bar.service/history?since=2026-12-03T02%3A00%3A00.000Z'
      + '&until=2026-12-03T03%3A00%3A00.000Z&step=10s');
  });

  test('the unit of a location hash', () => {
    eq(S.unitOfHash('#/unit/foo%40bar.service'), 'foo@bar.service');
    eq(S.unitOfHash('#/unit/x.service?range=6h'), 'x.service');
    eq(S.unitOfHash('#/'), null);
    eq(S.unitOfHash(''), null);
    eq(S.unitOfHash('#/unit/%E0'), null, 'a malformed escape names no unit');
  });

  test('a plot path breaks at gaps; counters are drawn as steps', () => {
    const id = v => v;
    eq(ServdPlot.pathOf([[0, 1], [1, null], [2, 3], [3, 4]], id, id, false), 'M0.0 1.0M2.0 3.0L3.0 4.0');
    eq(ServdPlot.pathOf([[0, 1], [2, 3]], id, id, true), 'M0.0 1.0H2.0V3.0');
    eq(ServdPlot.pathOf([[0, null]], id, id, false), '');
  });

  document.documentElement.dataset.passed = passed;
  document.documentElement.dataset.failed = failed;
})();
