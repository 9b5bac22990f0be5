package io.servd.agent.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code Host} header against DNS rebinding: a web page on attacker.example whose name is rebound
 * to 127.0.0.1 makes the browser send {@code Host: attacker.example} to servd. While the listener is on
 * a loopback address, only {@code localhost}, {@code 127.0.0.1}, {@code [::1]}, the listen address
 * itself and the configured names pass, with any port (an ssh tunnel changes the port, not the name);
 * anything else is answered {@code 421 Misdirected Request}: the request names an authority this
 * server does not answer for (RFC 9110 §15.5.20), which is the truth, where a 403 would suggest that
 * some credential could help. A listener on another address is meant to be reached by names servd
 * cannot know, so the check is off there; so it is on the control socket, which browsers cannot reach.
 * A missing {@code Host} in HTTP/1.1 is a 400 (RFC 9112 §3.2), HTTP/1.0 may omit it.
 */
final class HostCheck {
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

    private final List<String> allowed;

    HostCheck(List<String> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** The refusal for {@code head} arriving on a connection whose local address is {@code local}. */
    Optional<Reply> refusal(HttpRequest head, SocketAddress local) {
        if (!(local instanceof InetSocketAddress inet) || inet.getAddress() == null
                || !inet.getAddress().isLoopbackAddress()) {
            return Optional.empty();
        }
        String host = head.headers().get(HttpHeaderNames.HOST);
        if (host == null) {
            return head.protocolVersion().equals(HttpVersion.HTTP_1_0) ? Optional.empty()
                    : Optional.of(Reply.error(HttpResponseStatus.BAD_REQUEST, "bad request", "missing [Host] header"));
        }
        Optional<String> name = name(host.strip());
        if (name.isEmpty()) {
            return Optional.of(Reply.error(HttpResponseStatus.BAD_REQUEST, "bad request",
                    "malformed [Host] header [" + host + "]"));
        }
        String n = name.get();
        if (LOOPBACK_NAMES.contains(n) || allowed.contains(n) || n.equals(literal(inet))) {
            return Optional.empty();
        }
        return Optional.of(Reply.error(HttpResponseStatus.MISDIRECTED_REQUEST, "misdirected request",
                "host [" + host + "] is not served here: servd on loopback answers [localhost], [127.0.0.1], [[::1]]"
                        + " and [HTTP] AllowedHosts="));
    }

    /** The lower-case name of {@code host:port}, {@code [v6]:port} or a bare name; empty when malformed. */
    static Optional<String> name(String host) {
        String name;
        String port;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            name = host.substring(0, close + 1);
            String rest = host.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return Optional.empty();
            }
            port = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = host.indexOf(':');
            name = colon < 0 ? host : host.substring(0, colon);
            port = colon < 0 ? "" : host.substring(colon + 1);
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1); // the root label: "localhost." is localhost
        }
        boolean portOk = port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9');
        boolean nameOk = !name.isEmpty() && name.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '/' && c != '@');
        return portOk && nameOk ? Optional.of(name.toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** The listen address as a Host header names it: {@code 127.0.0.2}, {@code [::1]}. */
    private static String literal(InetSocketAddress local) {
        String ip = local.getAddress().getHostAddress();
        int scope = ip.indexOf('%');
        if (scope >= 0) {
            ip = ip.substring(0, scope);
        }
        return ip.contains(":") ? "[" + compress(ip) + "]" : ip;
    }

    /** {@code 0:0:0:0:0:0:0:1} → {@code ::1}: loopback IPv6 is the only one that reaches this. */
    private static String compress(String ip) {
        return ip.equals("0:0:0:0:0:0:0:1") ? "::1" : ip;
    }
}
