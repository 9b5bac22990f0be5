/**
 * One event-loop abstraction over Netty's transports: epoll, io_uring, kqueue and NIO.
 *
 * <p>{@link io.servd.netpoll.Transport#detect(io.servd.netpoll.NetpollConfig)} probes the native
 * transports once, in priority order, and reports the choice together with the cause of each native
 * transport it skipped; {@link io.servd.netpoll.EventLoops} owns the event-loop threads, sized from
 * the effective CPU limit by a {@link io.servd.netpoll.LoopSizing} policy, binds servers and shuts
 * down gracefully. This package depends on Netty only: callers pass in CPU limits and system
 * properties, nothing here reads the environment or cgroup files.
 *
 * @see <a href="https://netty.io/wiki/native-transports.html">Netty: native transports</a>
 */
package io.servd.netpoll;
