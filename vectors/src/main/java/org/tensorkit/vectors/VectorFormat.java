package org.tensorkit.vectors;

/**
 * The word-vector file formats tensorkit reads and writes.
 *
 * <ul>
 *   <li>{@link #WORD2VEC_TEXT}: a header line {@code <count> <dim>}, then one line per vector: the word and
 *       {@code dim} numbers separated by spaces (lines often end in a space). gensim's
 *       {@code load_word2vec_format(binary=False)}.
 *   <li>{@link #WORD2VEC_BINARY}: the same header line, then per vector the word's UTF-8 bytes, a space and
 *       {@code dim} little-endian float32 values, optionally followed by a newline (word2vec's C tool writes one,
 *       gensim 4 does not). gensim's {@code binary=True}.
 *   <li>{@link #GLOVE}: text lines without a header (Stanford's GloVe files); the dimension is the first line's.
 *   <li>{@link #FASTTEXT}: fastText's {@code .vec}, which is word2vec text.
 * </ul>
 */
public enum VectorFormat {
    /** word2vec text: header, then a word and its numbers per line. */
    WORD2VEC_TEXT("word2vec text", true, false),
    /** word2vec binary: header, then a word, a space and little-endian float32 values per vector. */
    WORD2VEC_BINARY("word2vec binary", true, true),
    /** GloVe text: no header. */
    GLOVE("GloVe text", false, false),
    /** fastText {@code .vec}: word2vec text. */
    FASTTEXT("fastText .vec", true, false);

    private final String title;
    private final boolean header;
    private final boolean binary;

    VectorFormat(String title, boolean header, boolean binary) {
        this.title = title;
        this.header = header;
        this.binary = binary;
    }

    /** Whether files of this format start with a {@code <count> <dim>} header line. */
    public boolean hasHeader() {
        return header;
    }

    /** Whether the vectors are raw float32 bytes rather than text. */
    public boolean isBinary() {
        return binary;
    }

    /** The format's name as the reports print it ({@code "GloVe text"}). */
    public String title() {
        return title;
    }

    /**
     * The format of a file that starts with {@code head}: a header line of two integers makes it word2vec (binary
     * when the bytes after it are not text), anything else GloVe.
     *
     * @param head the file's first bytes (a few kilobytes are enough)
     * @param length how many of them are valid
     * @return the format the bytes look like
     */
    static VectorFormat detect(byte[] head, int length) {
        int eol = TextLines.indexOf(head, (byte) '\n', 0, length);
        int end = eol < 0 ? length : eol;
        if (!TextLines.isHeader(head, 0, end)) {
            return GLOVE;
        }
        return TextLines.firstNonText(head, end + 1, length) >= 0 ? WORD2VEC_BINARY : WORD2VEC_TEXT;
    }
}
