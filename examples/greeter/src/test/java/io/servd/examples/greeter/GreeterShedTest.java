package io.servd.examples.greeter;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.daemon.pressure.LoadShedder;
import io.servd.daemon.pressure.PressureOptions;
import io.servd.daemon.pressure.ShedderFixture;
import io.servd.netpoll.EventLoops;
import io.servd.netpoll.NetpollConfig;
import io.servd.netpoll.Server;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The library's shedding in the greeter's real pipeline, over real sockets. */
class GreeterShedTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    private final LoadShedder shedder = LoadShedder.create(PressureOptions.defaults());
    private EventLoops loops;
    private Server server;

    @BeforeEach
    void start() throws Exception {
        loops = Greeter.start(NetpollConfig.defaults(), 1);
        server = loops.bind(new InetSocketAddress("127.0.0.1", 0), Greeter.hello(shedder));
    }

    @AfterEach
    void stop() {
        loops.close();
    }

    private Socket connect() throws Exception {
        Socket s = new Socket();
        s.connect(server.localAddress(), 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    /** Everything until the server closes its side. */
    private static String readToEnd(InputStream in) throws Exception {
        var all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.US_ASCII);
    }

    private static String readResponse(InputStream in) throws Exception {
        StringBuilder text = new StringBuilder();
        while (!text.toString().endsWith("Hello, World!")) {
            int c = in.read();
            assertThat(c).as("response so far: %s", text).isNotNegative();
            text.append((char) c);
        }
        return text.toString();
    }

    @Test
    void underPressureANewRequestGets503WithRetryAfterAndTheConnectionEndsCleanly() throws Exception {
        ShedderFixture.squeeze(shedder);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(GET.getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String response = readToEnd(s.getInputStream()); // a FIN after the response, not a reset

            assertThat(response).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                    .contains("\r\nRetry-After: 5\r\n", "\r\nConnection: close\r\n")
                    .endsWith("\"detail\":\"shedding load under memory pressure: retry after [5] s\"}\n");
        }
    }

    @Test
    void aKeepAliveConnectionFinishesItsRequestThenClosesAndItsSuccessorIsShed() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(GET.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200 OK");

            ShedderFixture.squeeze(shedder);

            assertThat(s.getInputStream().read()).as("idle keep-alive connection closed").isEqualTo(-1);
        }
        try (Socket next = connect()) {
            next.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
            assertThat(readToEnd(next.getInputStream())).startsWith("HTTP/1.1 503 ");
        }
    }

    @Test
    void whenTheLimitGrowsBackRequestsAreServedAgain() throws Exception {
        ShedderFixture.squeeze(shedder);

        ShedderFixture.release(shedder);

        try (Socket s = connect()) {
            s.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200 OK");
        }
    }
}
