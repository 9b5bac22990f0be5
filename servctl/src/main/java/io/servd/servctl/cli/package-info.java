/**
 * What every servctl command shares: exit codes, the failure type, {@code --output}, JSON
 * writing and byte formatting. Commands ({@code io.servd.servctl}, {@code io.servd.servctl.top})
 * depend on this package, never on each other.
 */
package io.servd.servctl.cli;
