package dev.digest.worker.run;

/**
 * Told when a finishing run woke the next run of its digest: that run is due for publication
 * now, rather than on the re-publisher's next tick.
 */
public interface NextRunSignal {

    void wake();
}
