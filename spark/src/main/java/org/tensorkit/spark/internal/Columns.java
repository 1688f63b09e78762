package org.tensorkit.spark.internal;

import java.io.Serializable;
import java.util.List;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.tensorkit.core.DType;
import org.tensorkit.core.Shape;
import org.tensorkit.models.Network;

/**
 * Which columns of a {@code Dataset<Row>} fill a model's inputs (and its target), checked against the model on the
 * driver: each input's column, its kind of values, the input's shape, and for an input that feeds sharded tables
 * the first id the tables do not have. {@link Block#read} reads a partition's rows with it.
 */
public final class Columns implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What an input column holds. */
    public enum Kind { STRING, INTEGRAL, FLOAT }

    final String[] names;
    final int[] positions;
    final Kind[] kinds;
    final long[][] dims;
    /** Per input: ids must be below this (the smallest table it feeds), or -1 when not ids of a table. */
    final long[] idLimit;
    final String[] idTable;
    final String target;
    final int targetPosition;
    final boolean targetArray;

    private Columns(String[] names, int[] positions, Kind[] kinds, long[][] dims, long[] idLimit, String[] idTable,
                    String target, int targetPosition, boolean targetArray) {
        this.names = names;
        this.positions = positions;
        this.kinds = kinds;
        this.dims = dims;
        this.idLimit = idLimit;
        this.idTable = idTable;
        this.target = target;
        this.targetPosition = targetPosition;
        this.targetArray = targetArray;
    }

    /**
     * The inputs' columns of {@code schema} for {@code model}, and the target's when {@code target} is not null;
     * with a plan, the inputs that feed tables are checked to be integer columns and their ids to be rows; without
     * one (scoring), an integer column that feeds an Embedding straight has its ids checked against it.
     *
     * @throws IllegalArgumentException if the count of columns differs from the model's inputs, a column is
     *     missing, or a column's type cannot fill its input (or the target)
     */
    public static Columns of(StructType schema, List<String> inputColumns, Network model, String target, Plan plan) {
        List<Shape> shapes = model.inputShapes();
        if (shapes.size() != inputColumns.size()) {
            throw new IllegalArgumentException("the model has " + shapes.size() + " inputs and " + inputColumns.size()
                    + " input columns were given " + inputColumns);
        }
        int n = inputColumns.size();
        String[] names = inputColumns.toArray(String[]::new);
        int[] positions = new int[n];
        Kind[] kinds = new Kind[n];
        long[][] dims = new long[n][];
        long[] idLimit = new long[n];
        String[] idTable = new String[n];
        java.util.Map<Integer, java.util.Map.Entry<Long, String>> limits = plan == null ? Plan.idLimits(model)
                : java.util.Map.of();
        for (int i = 0; i < n; i++) {
            StructField field = field(schema, names[i], "input");
            positions[i] = schema.fieldIndex(names[i]);
            DType dtype = model.inputs().get(i).dtype();
            check(field, shapes.get(i), dtype, i);
            DataType element = elementType(field.dataType());
            kinds[i] = element == DataTypes.StringType ? Kind.STRING : isIntegral(element) ? Kind.INTEGRAL
                    : Kind.FLOAT;
            dims[i] = shapes.get(i).toArray();
            idLimit[i] = -1;
            if (plan == null && kinds[i] == Kind.INTEGRAL && limits.containsKey(i)) {
                idLimit[i] = limits.get(i).getKey();
                idTable[i] = limits.get(i).getValue();
            }
            if (plan != null && plan.inputSpace(i) >= 0 && plan.lookup(i) == null) {
                if (kinds[i] != Kind.INTEGRAL) {
                    throw new IllegalArgumentException("input column '" + names[i] + "' holds "
                            + field.dataType().simpleString() + "; it feeds a sharded table and must hold integer "
                            + "ids (int or long)");
                }
                Plan.Table smallest = plan.smallestTableOf(i); // an input of a space feeds a table
                idLimit[i] = smallest.rows();
                idTable[i] = smallest.layer();
            }
        }
        int targetPosition = -1;
        boolean targetArray = false;
        if (target != null) {
            StructField field = field(schema, target, "target");
            targetPosition = schema.fieldIndex(target);
            DataType t = field.dataType();
            targetArray = t instanceof ArrayType;
            DataType element = elementType(t);
            if (!(isIntegral(element) || element == DataTypes.FloatType || element == DataTypes.DoubleType)) {
                throw new IllegalArgumentException("target column '" + target + "' holds " + t.simpleString()
                        + "; expected numbers or arrays of numbers");
            }
        }
        return new Columns(names, positions, kinds, dims, idLimit, idTable, target, targetPosition, targetArray);
    }

    private static StructField field(StructType schema, String column, String what) {
        List<String> names = List.of(schema.fieldNames());
        if (!names.contains(column)) {
            throw new IllegalArgumentException(what + " column '" + column + "' is not a column of the data " + names);
        }
        return schema.fields()[schema.fieldIndex(column)];
    }

    /** The element type of an array column, or the column's type. */
    public static DataType elementType(DataType t) {
        return t instanceof ArrayType a ? a.elementType() : t;
    }

    /** Whether Spark's type holds whole numbers. */
    public static boolean isIntegral(DataType t) {
        return t == DataTypes.IntegerType || t == DataTypes.LongType || t == DataTypes.ShortType
                || t == DataTypes.ByteType;
    }

    private static void check(StructField field, Shape shape, DType dtype, int input) {
        DataType t = field.dataType();
        boolean array = t instanceof ArrayType;
        DataType element = elementType(t);
        boolean perRowVector = shape.rank() == 2 && shape.dim(1) != 1;
        if (shape.rank() > 2 || (array != perRowVector)) {
            throw new IllegalArgumentException("input " + input + " has shape " + shape + "; column '" + field.name()
                    + "' of " + t.simpleString() + " cannot fill it (" + (perRowVector ? "an array column" : "a "
                    + "column of single values") + " can)");
        }
        boolean strings = element == DataTypes.StringType;
        boolean numbers = isIntegral(element) || element == DataTypes.FloatType || element == DataTypes.DoubleType;
        if (strings != (dtype == DType.STRING) || (!strings && !numbers)) {
            throw new IllegalArgumentException("input " + input + " is " + dtype + "; column '" + field.name()
                    + "' holds " + t.simpleString());
        }
    }

    /** How many inputs. */
    public int inputs() {
        return names.length;
    }
}
