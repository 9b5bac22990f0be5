/**
 * servd's HTTP surface (DESIGN §3) on a netpoll event loop: routing, JSON bodies and the
 * {@code {"error": "...", "detail": "..."}} error shape. The request framing is Netty's HTTP/1.1
 * codec; see <a href="https://www.rfc-editor.org/rfc/rfc9110">RFC 9110</a> for status semantics.
 */
package io.servd.agent.http;
