package org.tensorkit.examples;

import java.util.List;

import org.tensorkit.core.Shape;
import org.tensorkit.core.Tensor;

/**
 * What a notebook shows under a cell: {@code print(x)} output and cell values, in Python's forms, one blank
 * line between outputs.
 */
final class NotebookOutput {
    private boolean first = true;

    /** {@code print(array)}: numpy's str form. */
    void print(Tensor array) {
        emit(array.toString());
    }

    /** An array as a cell value: numpy's repr form. */
    void display(Tensor array) {
        emit(array.repr());
    }

    /** A list of arrays as a cell value: IPython's pretty-printed list. */
    void display(List<Tensor> arrays) {
        emit(IPythonDisplay.list(arrays));
    }

    /** A shape as a cell value: the Python tuple. */
    void display(Shape shape) {
        emit(shape.toString());
    }

    /** Starts the next output: what follows prints after a blank line. */
    void nextCell() {
        if (!first) {
            System.out.println();
        }
        first = false;
    }

    private void emit(String text) {
        nextCell();
        System.out.println(text);
    }
}
