package io.servd.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JournalEntryTest {

    @Test
    void simpleAndBinarySafeFields() {
        byte[] bytes = new JournalEntry()
                .field("MESSAGE", "hello")
                .field("EXCEPTION", "a\nb")
                .field("SKIPPED", null)
                .toBytes();

        byte[] expected = concat("MESSAGE=hello\nEXCEPTION\n".getBytes(StandardCharsets.US_ASCII),
                new byte[] {3, 0, 0, 0, 0, 0, 0, 0}, "a\nb\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(bytes).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "_TRUSTED", "lower", "WITH-DASH", "WITH=EQ",
            "A2345678901234567890123456789012345678901234567890123456789012345"})
    void rejectsInvalidFieldNames(String name) {
        assertThatThrownBy(() -> new JournalEntry().field(name, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[" + name + "]");
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
