package io.servd.servctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.servd.servctl.cli.Json;
import io.servd.servctl.cli.OutputFormat;
import io.servd.servctl.cli.ServctlException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every command that asks the agent shares: the connection options (here or before the command
 * name), {@code --output}, one request and printing its answer. picocli reads the annotated fields
 * of superclasses too.
 */
abstract class AgentCommand implements Callable<Integer> {

    @ParentCommand
    ServctlMain parent;

    @Spec
    CommandSpec spec;

    @Mixin
    AgentConnection agent;

    @Mixin
    OutputFormat output;

    /** Sends one request to the agent; its JSON answer, or the failure with servctl's exit code. */
    JsonNode ask(String method, String path, Optional<String> body) throws ServctlException {
        return agent.call(parent, method, path, body);
    }

    /** Prints {@code answer}: indented JSON with {@code --output json}, else {@code text} of it. */
    void print(JsonNode answer, Function<JsonNode, String> text) {
        ServctlMain.print(spec.commandLine(), output.isJson() ? Json.formatPretty(answer) : text.apply(answer));
    }
}
