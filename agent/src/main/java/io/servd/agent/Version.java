package io.servd.agent;

import java.util.Optional;

/** servd's version: the jar manifest's {@code Implementation-Version}, {@code dev} when run from classes. */
final class Version {

    static String current() {
        return Optional.ofNullable(Version.class.getPackage().getImplementationVersion()).orElse("dev");
    }
}
