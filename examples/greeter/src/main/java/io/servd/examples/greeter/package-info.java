/**
 * The smallest service built on servd's libraries, and the benchmark peer of a Go net/http greeter:
 * {@code GET /} answers {@code Hello, World!}. Run it as {@code java -jar greeter.jar --port=8080}.
 *
 * @see <a href="https://netty.io/wiki/native-transports.html">Netty: native transports</a>
 */
package io.servd.examples.greeter;
