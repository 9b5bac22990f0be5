package io.servd.examples.greeter;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpServerCodec;
import io.servd.daemon.limits.LimitWatcher;
import io.servd.daemon.limits.LoopResizer;
import io.servd.daemon.notify.Notifier;
import io.servd.daemon.notify.NotifyMessage;
import io.servd.daemon.pressure.LoadShedder;
import io.servd.daemon.pressure.PressureOptions;
import io.servd.daemon.pressure.PressureWatch;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Preference;
import io.servd.netpoll.Server;
import io.servd.netpoll.Transport;
import io.servd.netpoll.TransportSelection;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code java -jar greeter.jar [--port=8080] [--host=127.0.0.1] [--transport=auto]}: serves
 * {@code GET /} on loopback by default. Under systemd ({@code Type=notify}) it sends {@code READY=1} and a
 * {@code STATUS=} line once it listens. Its event loops follow the cgroup's CPU limit
 * ({@link LoopResizer}: floor of the quota, at least 1, at most the cpuset). Under memory pressure
 * ({@code MemoryPressureWatch=}, else its cgroup's {@code memory.pressure}; {@code memory.current} against
 * the limits of its cgroup and every ancestor, as the limit watcher reads them) it
 * gives memory back and, if that is not enough, answers new requests {@code 503} with {@code Retry-After}
 * until the pressure is gone. SIGTERM drains for up to 5 s, then stops.
 */
public final class Greeter {
    private Greeter() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new HashMap<>(Map.of("port", "8080", "host", "127.0.0.1", "transport", "auto"));
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--?", "").split("=", 2);
            if (kv.length != 2 || !flags.containsKey(kv[0])) {
                System.err.println("greeter: unknown flag [" + arg + "], expected --port=N --host=ADDR --transport=NAME");
                System.exit(2);
            }
            flags.put(kv[0], kv[1]);
        }
        Map<String, String> properties = new HashMap<>();
        System.getProperties().forEach((k, v) -> properties.put(k.toString(), v.toString()));
        NetpollConfig config = NetpollConfig.defaults().withTransport(Preference.parse(flags.get("transport")))
                .withSystemProperties(properties);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(flags.get("host")),
                Integer.parseInt(flags.get("port")));

        Notifier notifier = Notifier.fromEnvironment(System.getenv()); // inactive without NOTIFY_SOCKET
        Optional<LimitWatcher> limits = watchLimits();
        EventLoops loops = limits.isPresent() ? start(config, limits.get())
                : start(config, Runtime.getRuntime().availableProcessors());
        LoadShedder shedder = LoadShedder.create(PressureOptions.defaults());
        try {
            PressureWatch pressure = PressureWatch.start(shedder, System.getenv(), limits);
            Server server = loops.bind(address, hello(shedder));
            String listening = "listening on [" + address.getAddress().getHostAddress() + ":"
                    + ((InetSocketAddress) server.localAddress()).getPort() + "] transport [" + loops.transport() + "]";
            System.out.println("greeter: " + listening);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.drain(Duration.ofSeconds(5)).join();
                pressure.close();
                loops.close();
                limits.ifPresent(LimitWatcher::close);
            }, "greeter-stop"));
            notifier.send(NotifyMessage.READY, new NotifyMessage.Status(listening));
        } catch (IOException e) { // cannot bind, or READY=1 lost (systemd would fail the start): exit ends the loops
            System.err.println("greeter: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Loops sized once for {@code cpus}. */
    static EventLoops start(NetpollConfig config, double cpus) {
        return EventLoops.start(transport(config), config.sizing(), cpus);
    }

    /** Loops that follow the CPU limit as {@code limits} sees it change (CPUQuota=, AllowedCPUs=). */
    static EventLoops start(NetpollConfig config, LimitWatcher limits) {
        EventLoops loops = LoopResizer.start(transport(config), config.sizing(), limits);
        System.out.println("greeter: [" + loops.workerCount() + "] event loops for ["
                + limits.current().cpu().describe() + "], following the limit");
        return loops;
    }

    /** The own cgroup's limits; empty off Linux or when discovery fails (then sized for the host, once). */
    private static Optional<LimitWatcher> watchLimits() {
        try {
            return Optional.of(LimitWatcher.start());
        } catch (IOException e) {
            System.out.println("greeter: cgroup limits not followed: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static Transport transport(NetpollConfig config) {
        TransportSelection selection = Transport.detect(config);
        selection.skipped().forEach(s -> System.out.println("greeter: transport [" + s.transport()
                + "] unavailable: " + s.reason()));
        return selection.transport();
    }

    /** Each connection: the shedder's gate on raw bytes, then HTTP/1.1, then {@link HelloHandler}. */
    static ChannelInitializer<Channel> hello(LoadShedder shedder) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(shedder.newHandler(), new HttpServerCodec(), new HelloHandler());
            }
        };
    }
}
