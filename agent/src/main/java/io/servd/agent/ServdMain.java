package io.servd.agent;

import io.servd.agent.config.Config;
import io.servd.agent.config.ConfigFile;
import io.servd.agent.config.ConfigSource;
import java.util.Map;

/**
 * {@code servd}: the agent in the foreground. The only place that reads the process environment
 * and pid; everything below takes them as parameters.
 *
 * <p>Exit codes: 0 after a clean stop (SIGTERM, SIGINT); 1 when start-up fails (the reason is
 * the last log line: configuration, socket activation, transport, bind, READY); 2 for a
 * command-line error.
 */
public final class ServdMain {

    private final Map<String, String> env;
    private final long pid;

    ServdMain(Map<String, String> env, long pid) {
        this.env = env;
        this.pid = pid;
    }

    /**
     * jnr-ffi generates each native binding (sd_notify and the journal's datagram socket, fcntl for
     * the inherited listeners, poll for the pressure trigger) as bytecode and x86 stubs with ASM at
     * first use: measured on the build host, the start to READY took 1.19 s of CPU with that and
     * 0.89 s with {@value #JNR_ASM}=false (medians of 6; 100–200 fewer classes). Its reflection
     * invokers are slower per call, which servd's few calls (a notify, a journal entry) do not feel.
     * An explicit {@code -D} wins.
     */
    static final String JNR_ASM = "jnr.ffi.asm.enabled";

    public static void main(String[] args) {
        if (System.getProperty(JNR_ASM) == null) {
            System.setProperty(JNR_ASM, "false");
        }
        System.exit(run(args, System.getenv(), ProcessHandle.current().pid()));
    }

    /** Parses {@code args} and runs servd, or prints help, the version or the error; returns the exit code. */
    static int run(String[] args, Map<String, String> env, long pid) {
        ServdArguments arguments;
        try {
            arguments = ServdArguments.parse(args);
        } catch (ServdArguments.UsageException e) {
            System.err.println(e.getMessage());
            System.err.print(ServdArguments.USAGE);
            return 2;
        }
        switch (arguments.action()) {
            case HELP -> {
                System.out.print(ServdArguments.USAGE);
                return 0;
            }
            case VERSION -> {
                System.out.println("servd " + Version.current());
                return 0;
            }
            default -> {
                return new ServdMain(env, pid).call(arguments);
            }
        }
    }

    private int call(ServdArguments arguments) {
        // Flags win over the file, at start-up and at every reload.
        ConfigSource source = () -> {
            Config config = ConfigFile.load(arguments.configFile(), Config.defaults());
            config = arguments.listen().map(config::withHttpListen).orElse(config);
            return arguments.transport().map(config::withTransport).orElse(config);
        };
        return new Servd(source, env, pid).run();
    }
}
