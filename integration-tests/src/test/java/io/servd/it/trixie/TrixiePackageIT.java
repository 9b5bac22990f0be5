package io.servd.it.trixie;

import io.servd.it.PackageInstallStartStop;

/**
 * {@link PackageInstallStartStop} on trixie: the same .deb as on bookworm, installed offline on
 * systemd 257, where servd-generator switches servd.service to {@code Type=notify-reload}.
 */
class TrixiePackageIT extends PackageInstallStartStop {

    /**
     * The same bound as on bookworm: systemd 257 scores the unit 1.3 on the trixie test bed, as 252
     * does (measured 2026-12-02), Type=notify-reload drop-in included.
     */
    private static final double MAX_EXPOSURE = 1.4;

    @Override
    protected String serviceType() {
        return "notify-reload";
    }

    @Override
    protected double maxExposure() {
        return MAX_EXPOSURE;
    }
}
