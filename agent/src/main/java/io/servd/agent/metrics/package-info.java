/**
 * {@code /metrics} through the official Prometheus Java client: collectors read cgroupfs and netpoll at
 * scrape time. Names follow <a href="https://prometheus.io/docs/practices/naming/">Prometheus naming</a>.
 */
package io.servd.agent.metrics;
