package io.servd.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.agent.access.ControlSocket;
import io.servd.agent.http.HttpApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionBudgetTest {

    @Test
    void oneConnectionHoldsFiftySevenKibibytes() {
        // 16 KiB read + 4 KiB line + 8 KiB headers + 4 KiB body; 16 KiB high-water mark + 8 KiB chunk + 1 KiB head
        assertThat(HttpApi.CONNECTION_DIRECT_BYTES).isEqualTo(57 * 1024);
    }

    @ParameterizedTest(name = "{0} bytes, MaxConnections={1}")
    @CsvSource(delimiter = '|', textBlock = """
        # max direct | [HTTP] MaxConnections= | http | control
        # servd-java at MemoryMax=64M: -XX:MaxDirectMemorySize=4m
        4194304      | 256                    | 47   | 15
        6291456      | 256                    | 71   | 23
        8388608      | 256                    | 94   | 31
        # servd-java at MemoryMax=192M: 12m
        12582912     | 256                    | 141  | 47
        # the control socket's own cap of 64 is not exceeded
        16777216     | 256                    | 189  | 62
        # a configured cap below the budget is kept
        12582912     | 50                     | 50   | 47
        # no -XX:MaxDirectMemorySize: the heap's maximum, both caps as configured
        1073741824   | 256                    | 256  | 64
        # too little for anything: one HTTP connection and the control minimum, overcommitted
        65536        | 256                    | 1    | 4
        """)
    void capsFitDirectMemory(long maxDirect, int httpCap, int http, int control) {
        var caps = ConnectionBudget.of(maxDirect, httpCap, ControlSocket.MAX_CONNECTIONS, HttpApi.CONNECTION_DIRECT_BYTES);
        assertThat(caps).isEqualTo(new ConnectionBudget(http, control));
    }

    @Test
    void refusesNonPositiveCaps() {
        assertThatThrownBy(() -> new ConnectionBudget(0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http [0]");
    }
}
