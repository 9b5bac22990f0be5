package io.servd.it.trixie;

import io.servd.it.VmTestBedIT;

/** {@link VmTestBedIT} on trixie: the same promises, with systemd 257. */
class TrixieTestBedIT extends VmTestBedIT {

    @Override
    protected int systemdVersion() {
        return 257;
    }
}
