package io.servd.agent.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.servd.agent.http.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A JSON reply written with Jackson's streaming generator. */
final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private Json() {
    }

    static Reply reply(HttpResponseStatus status, Body body) {
        var out = new ByteArrayOutputStream(1024);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            // Writing to memory does not fail; an exception here is a bug, not an input problem.
            throw new UncheckedIOException("writing json to memory failed", e);
        }
        out.write('\n');
        return Reply.of(status, "application/json", out.toByteArray());
    }
}
