package io.servd.cgroup;

import java.io.IOException;

/** A cgroup file or the process's cgroup membership could not be read or understood. */
public class CgroupException extends IOException {

    public CgroupException(String message) {
        super(message);
    }

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
