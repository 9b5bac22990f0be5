package io.servd.agent.config;

/** Produces the configuration to run with: at start-up and again on each reload. */
@FunctionalInterface
public interface ConfigSource {
    /** @throws ConfigException when the configuration cannot be used; the caller keeps what it has */
    Config load() throws ConfigException;
}
