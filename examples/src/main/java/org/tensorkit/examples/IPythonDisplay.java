package org.tensorkit.examples;

import java.util.List;

import org.tensorkit.core.Tensor;

/** How a notebook (IPython's pretty printer) shows values that are not printed: here, a list of arrays. */
final class IPythonDisplay {
    /** IPython's pretty printer breaks a group that would be wider than this. */
    private static final int WIDTH = 79;

    private IPythonDisplay() {
    }

    /**
     * A list of arrays as a cell value. The list is one group indented by 1 (the width of {@code [}); an
     * element's repr lines become hard breaks at that indent. A hard break or a line wider than 79 columns breaks
     * the group, and then every separator of the list becomes a line break.
     */
    static String list(List<Tensor> tensors) {
        List<String> reprs = tensors.stream().map(Tensor::repr).toList();
        boolean multiline = reprs.stream().anyMatch(r -> r.indexOf('\n') >= 0);
        int oneLineLength = 2 + reprs.stream().mapToInt(String::length).sum() + 2 * Math.max(0, reprs.size() - 1);
        boolean breakGroup = multiline || oneLineLength > WIDTH;
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < reprs.size(); i++) {
            if (i > 0) {
                b.append(breakGroup ? ",\n " : ", ");
            }
            b.append(reprs.get(i).replace("\n", "\n "));
        }
        return b.append(']').toString();
    }
}
