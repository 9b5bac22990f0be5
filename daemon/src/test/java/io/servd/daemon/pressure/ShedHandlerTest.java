package io.servd.daemon.pressure;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.servd.netpoll.Draining;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ShedHandlerTest {
    private final FakeRelief relief = new FakeRelief();
    private final LoadShedder shedder = new LoadShedder(PressureOptions.defaults(), relief, System::nanoTime);
    private final List<Object> app = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(shedder.newHandler(), new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            app.add(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
            ((ByteBuf) msg).release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            app.add(evt);
        }
    });

    private void shed() {
        shedder.onPressure();
        shedder.onPressure();
        assertThat(shedder.isShedding()).isTrue();
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private String written() {
        ByteBuf out = channel.readOutbound();
        return out == null ? "" : out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void whileNotSheddingEveryByteReachesTheApplication() {
        channel.writeInbound(ascii("GET / HTTP/1.1\r\n\r\n"));

        assertThat(app).containsExactly("GET / HTTP/1.1\r\n\r\n");
    }

    @Test
    void aNewConnectionsFirstRequestIsAnsweredWithTheFixed503AndNeverReachesTheApplication() {
        shed();

        channel.writeInbound(ascii("GET /v1/units HTTP/1.1\r\nHost: x\r\n\r\n"));

        assertThat(app).isEmpty();
        assertThat(channel.isOpen()).as("not a DuplexChannel: closed at once, no half-close").isFalse();
        String body = "{\"error\":\"overloaded\",\"detail\":\"shedding load under memory pressure: retry after [5] s\"}\n";
        assertThat(written()).isEqualTo("HTTP/1.1 503 Service Unavailable\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "Retry-After: 5\r\n"
                + "Cache-Control: no-store\r\n"
                + "Connection: close\r\n\r\n" + body);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # first bytes                        | reaches the application
        GET /readyz HTTP/1.1                 | true
        HEAD /healthz HTTP/1.1               | true
        # a query string is not the path
        GET /readyz?verbose=1 HTTP/1.1       | true
        # a longer path that starts like an exempt one
        GET /readyzz HTTP/1.1                | false
        GET /v1/self HTTP/1.1                | false
        # too short to tell
        GET /read                            | false
        """)
    void probesAreExempt(String firstBytes, boolean admitted) {
        shed();

        channel.writeInbound(ascii(firstBytes));

        assertThat(!app.isEmpty()).isEqualTo(admitted);
        assertThat(shedder.status().shedRequests()).as("refusals counted").isEqualTo(admitted ? 0 : 1);
    }

    @Test
    void aConnectionInUseWhenSheddingBeginsIsAskedToCloseAfterItsResponse() {
        channel.writeInbound(ascii("GET / HTTP/1.1\r\n\r\n"));

        shed();
        channel.runPendingTasks();
        channel.writeInbound(ascii("GET / HTTP/1.1\r\n\r\n")); // its next request is the application's to answer

        assertThat(app).containsExactly("GET / HTTP/1.1\r\n\r\n", Draining.REQUESTED, "GET / HTTP/1.1\r\n\r\n");
    }
}
