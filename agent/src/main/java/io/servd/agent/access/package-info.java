/**
 * Who may change limits (DESIGN §6): a bearer token over HTTP, root or a configured group over the
 * control socket ({@code SO_PEERCRED}, see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7)</a>).
 */
package io.servd.agent.access;
