package dev.digest.common.content;

import java.util.List;

/**
 * The events of one type in a window: how many there are in all, and the first few of them
 * (enough to fill the listing even when some cannot be rendered).
 */
public record EventGroup(String type, String name, String lineTemplate, long total, List<WindowEvent> first) {
}
