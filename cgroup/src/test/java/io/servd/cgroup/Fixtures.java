package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Locates the captured and synthetic fixture trees under src/test/resources. */
final class Fixtures {

    private Fixtures() {
    }

    static Path resource(String name) {
        try {
            var url = Fixtures.class.getResource("/" + name);
            if (url == null) {
                throw new IllegalArgumentException("no test resource [" + name + "]");
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ProcFs procFs(String scenario) {
        return new ProcFs(resource("procfs/" + scenario));
    }

    static CgroupRoot cgroupRoot(String scenario) {
        return new CgroupRoot(resource("cgroupfs/" + scenario));
    }
}
