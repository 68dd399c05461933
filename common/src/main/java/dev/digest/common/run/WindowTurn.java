package dev.digest.common.run;

import dev.digest.common.content.Window;

/**
 * What fixing a run's window came to: the window, or (window null) the run went back to the
 * queue to wait while another run of its digest delivers, or (lost) the claim no longer holds.
 */
public record WindowTurn(Window window, boolean lost) {

    static final WindowTurn WAITING = new WindowTurn(null, false);
    static final WindowTurn LOST = new WindowTurn(null, true);

    public boolean waiting() {
        return window == null && !lost;
    }
}
