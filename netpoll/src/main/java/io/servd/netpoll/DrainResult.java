package io.servd.netpoll;

import java.time.Duration;

/**
 * What {@link Server#drain(Duration)} did.
 *
 * @param openAtStart connections open when the drain began
 * @param forced      connections still open at the deadline, and closed then
 * @param took        from the drain call until the last connection closed
 */
public record DrainResult(int openAtStart, int forced, Duration took) {
}
