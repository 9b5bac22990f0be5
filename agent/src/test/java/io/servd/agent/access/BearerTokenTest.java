package io.servd.agent.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokenTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheFileWithoutTrailingNewline() throws IOException {
        Path file = Files.writeString(tmp.resolve("token"), "abc123\n");
        BearerToken token = BearerToken.read(file);
        assertThat(token.matches("Bearer abc123")).isTrue();
        assertThat(token.matches("bearer abc123")).as("scheme is case-insensitive (RFC 9110)").isTrue();
        assertThat(token.matches("Bearer abc1234")).isFalse();
        assertThat(token.matches("Bearer abc12")).isFalse();
        assertThat(token.matches("Basic abc123")).isFalse();
        assertThat(token.matches("Bearer")).isFalse();
        assertThat(token.matches(null)).isFalse();
        assertThat(token.toString()).doesNotContain("abc123");
    }

    @Test
    void refusesEmptyOrSpacedTokens() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty"), " \n");
        assertThatThrownBy(() -> BearerToken.read(empty)).hasMessageContaining("token file is empty [" + empty + "]");
        Path spaced = Files.writeString(tmp.resolve("spaced"), "a b\n");
        assertThatThrownBy(() -> BearerToken.read(spaced)).hasMessageContaining("whitespace");
    }
}
