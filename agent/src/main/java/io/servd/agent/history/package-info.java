/**
 * History: every unit's usage, limits, pressure and state, recorded at {@code [History] IntervalSec=}
 * into append-only segment files under {@code StateDirectory=} ({@link io.servd.agent.history.HistoryStore}),
 * and read back for {@code GET /v1/units/{unit}/history}, {@code GET /v1/history?at=} and the
 * OpenMetrics dump. The file format is described in {@link io.servd.agent.history.Segment} and
 * {@link io.servd.agent.history.FrameCodec}.
 */
package io.servd.agent.history;
