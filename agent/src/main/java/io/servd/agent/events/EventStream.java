package io.servd.agent.events;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.servd.agent.http.StreamedBody;
import io.servd.netpoll.Draining;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code GET /v1/events} answer: a cursor into the {@link EventLog}, never a queue of its own.
 * While the channel is writable it writes the events after the cursor that pass the query's filters
 * (64 at a time, then a flush) and moves the cursor; when the channel is not writable it stops and
 * resumes on writability. So a slow reader costs the event loop at most Netty's write-buffer high-water
 * mark plus one batch, whatever is published meanwhile. A reader that falls so far behind that the
 * ring dropped events it had not read gets a last line {@code {"type":"lost","lost":N,"after":ID,…}}
 * and the connection is closed; it may resume with {@code since=ID}.
 *
 * <p>Without {@code follow} the answer ends (last chunk; the connection stays for the next request)
 * once the cursor reaches the newest event at the start. With it the answer stays open: new events are
 * written as they are published (a publish schedules at most one drain task per follower on its loop),
 * and an empty line every {@code heartbeat} while writable keeps netpoll's idle timeout from closing it
 * and finds dead peers; servd's drain ends it. While it streams, bytes the client sends are discarded
 * (a follower cannot pile up pipelined requests). All state is touched on the channel's event loop only,
 * except the wake-up flag.
 */
final class EventStream extends ChannelInboundHandlerAdapter implements StreamedBody {
    static final int BATCH = 64;
    private static final byte[] HEARTBEAT = {'\n'};

    private final EventLog log;
    private final EventQuery query;
    private final Duration heartbeat;
    private final Runnable onEnd;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final Runnable wake = this::wake;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private Channel channel;
    private long cursor;
    private long end;          // the last id to send without follow
    private boolean ended;
    private ScheduledFuture<?> beats;

    /**
     * @param after  the id after which events are sent ({@link EventLog#afterForId}/{@link EventLog#afterForTime})
     * @param onEnd  runs once when the answer ends, however (a follower slot given back)
     */
    EventStream(EventLog log, EventQuery query, long after, Duration heartbeat, Runnable onEnd) {
        this.log = log;
        this.query = query;
        this.cursor = after;
        this.heartbeat = heartbeat;
        this.onEnd = onEnd;
    }

    @Override
    public CompletionStage<Void> start(Channel ch) {
        channel = ch;
        if (!ch.isActive()) { // the client left before its answer began
            end();
            return done;
        }
        end = log.lastId();
        long gone = log.after(cursor, 0).lost();
        // before the codec: bytes the client sends meanwhile are dropped, never decoded into requests
        if (ch.pipeline().get("codec") != null) {
            ch.pipeline().addBefore("codec", "events", this);
        } else {
            ch.pipeline().addFirst("events", this);
        }
        if (query.follow()) {
            log.follow(wake);
            long every = heartbeat.toNanos();
            beats = ch.eventLoop().scheduleAtFixedRate(this::beat, every, every, TimeUnit.NANOSECONDS);
        }
        if (gone > 0) { // since= an id no longer kept: say so, then go on with the oldest kept
            channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(EventJson.lost(gone, cursor,
                    "events after id " + cursor + " up to the oldest kept are no longer kept"))));
            cursor += gone;
        }
        drain();
        return done;
    }

    /** From any thread: one drain task on the loop, however many publishes come before it runs. */
    private void wake() {
        if (wakePending.compareAndSet(false, true)) {
            channel.eventLoop().execute(() -> {
                wakePending.set(false);
                drain();
            });
        }
    }

    private void drain() {
        boolean wrote = false;
        while (!ended && channel.isWritable()) {
            EventLog.Slice slice = log.after(cursor, BATCH);
            if (slice.lost() > 0) {
                if (wrote) {
                    channel.flush();
                }
                drop(slice.lost());
                return;
            }
            if (slice.events().isEmpty()) {
                break;
            }
            for (EventLog.Logged l : slice.events()) {
                if (!query.follow() && l.id() > end) {
                    break;
                }
                cursor = l.id();
                if (query.matches(l.event())) {
                    channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(l.line())));
                    wrote = true;
                }
            }
            if (!query.follow() && cursor >= end) {
                break;
            }
        }
        if (wrote) {
            channel.flush();
        }
        if (!ended && !query.follow() && cursor >= end) {
            finish(false);
        }
    }

    private void beat() {
        if (!ended && channel.isWritable()) {
            channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(HEARTBEAT)));
        }
    }

    /** The reader fell behind the ring: say how many it lost, then close. */
    private void drop(long lost) {
        byte[] line = EventJson.lost(lost, cursor, "this reader fell behind by more than the [" + log.capacity()
                + "] events servd keeps; resume with since=" + cursor);
        channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(line)));
        finish(true);
    }

    /** The last chunk; {@code close}: and the connection (a dropped follower). */
    private void finish(boolean close) {
        if (ended) {
            return;
        }
        var written = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (close || query.follow()) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        end();
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        log.unfollow(wake);
        if (beats != null) {
            beats.cancel(false);
        }
        if (ended && channel.pipeline().context(this) != null) {
            channel.pipeline().remove(this);
        }
        onEnd.run();
        done.complete(null);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg); // nothing is read while the answer streams
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Draining.REQUESTED) {
            finish(true);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
