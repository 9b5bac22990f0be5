/**
 * servd's configuration: {@code /etc/servd/servd.conf} in systemd's INI syntax (read by the same
 * lexer as unit files, see <a href="https://www.freedesktop.org/software/systemd/man/latest/systemd.syntax.html">systemd.syntax(7)</a>),
 * the embedded defaults, and command-line overrides.
 */
package io.servd.agent.config;
