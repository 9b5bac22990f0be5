package io.servd.agent;

import java.util.Optional;
import picocli.CommandLine;

/** servd's version: the jar manifest's {@code Implementation-Version}, {@code dev} when run from classes. */
final class Version implements CommandLine.IVersionProvider {

    static String current() {
        return Optional.ofNullable(Version.class.getPackage().getImplementationVersion()).orElse("dev");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"servd " + current()};
    }
}
