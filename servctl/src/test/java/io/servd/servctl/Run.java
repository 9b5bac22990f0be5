package io.servd.servctl;

import io.servd.cgroup.fs.CgroupRoot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine;

/** One servctl invocation in-process: exit code, stdout, stderr. */
record Run(int exitCode, String out, String err) {

    /** Defaults that never reach a real agent or cgroupfs: a socket path that does not exist, port 9 (discard). */
    static ServctlDefaults isolated(Path tmp) {
        return new ServctlDefaults(tmp.resolve("no-such.sock"), URI.create("http://127.0.0.1:9"),
                new CgroupRoot(tmp.resolve("no-cgroupfs")));
    }

    static Run of(ServctlDefaults defaults, String... args) {
        CommandLine cl = ServctlMain.commandLine(defaults);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
