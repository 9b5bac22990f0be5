package io.servd.cgroup;

import java.nio.file.Path;

/**
 * A cgroup v2 controller is not enabled for a cgroup: its interface files are not there. The message
 * names the controller and the content of {@code cgroup.controllers}.
 */
public final class ControllerNotEnabledException extends CgroupException {

    private final String controller;

    ControllerNotEnabledException(String controller, Path cgroupDir, String availableControllers) {
        super("controller [" + controller + "] not enabled in [" + cgroupDir + "]: cgroup.controllers is ["
                + availableControllers.strip() + "]");
        this.controller = controller;
    }

    /** The controller's name, e.g. {@code "memory"}. */
    public String controller() {
        return controller;
    }
}
