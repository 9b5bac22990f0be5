package io.servd.agent.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The secret that admits HTTP writes. Compared in constant time: both sides are hashed with SHA-256
 * first (so neither the content nor the length of the secret leaks through timing) and the digests
 * compared with {@link MessageDigest#isEqual}. Never printed.
 */
public final class BearerToken {
    private static final String SCHEME = "Bearer ";

    private final byte[] digest;

    private BearerToken(byte[] digest) {
        this.digest = digest;
    }

    /**
     * Reads the token from {@code file}: its content without surrounding whitespace.
     *
     * @throws IOException when the file cannot be read, or the token is empty or has inner whitespace
     */
    public static BearerToken read(Path file) throws IOException {
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IOException("token file is empty [" + file + "]");
        }
        if (token.chars().anyMatch(c -> c <= ' ')) {
            throw new IOException("token contains whitespace or control characters in [" + file + "]");
        }
        return of(token);
    }

    /** A token from its text (tests). */
    public static BearerToken of(String token) {
        Objects.requireNonNull(token, "token");
        return new BearerToken(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code authorization} (the header's value, possibly null) is {@code Bearer <this token>}. */
    public boolean matches(String authorization) {
        if (authorization == null || authorization.length() < SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] offered = sha256(authorization.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(digest, offered);
    }

    @Override
    public String toString() {
        return "BearerToken[redacted]";
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
