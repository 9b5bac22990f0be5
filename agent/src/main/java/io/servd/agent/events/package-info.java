/**
 * servd's event log ({@code GET /v1/events}, agent/API.md): what happened to units — OOM kills, limit
 * changes, the start of CPU throttling, PSI crossing a threshold, state changes — kept in a bounded
 * ring in memory ({@link io.servd.agent.events.EventLog}), journalled with structured fields, and
 * streamed to followers. {@link io.servd.agent.events.EventLog#publish} is the one way in.
 */
package io.servd.agent.events;
