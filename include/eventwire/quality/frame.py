"""Arrow tables as the pandas frames Great Expectations validates, and the types they carry.

GX's pandas engine checks a column's type by its pandas dtype, so the conversion has to keep
every distinction the Arrow schema makes: integer and float widths (nullable extension dtypes
rather than float64 for an integer column with nulls), dictionary versus plain strings, and
time zones. ``GX_TYPE_NAMES`` is the other half of that contract: the ``type_`` an
``ExpectColumnValuesToBeOfType`` needs for a column of each Arrow type after this conversion.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

ROW_INDEX = "_row"  # positional row number, GX's unexpected_index_column_names points at it

_NULLABLE_DTYPES: dict[pa.DataType, object] = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.float32(): pd.Float32Dtype(),
    pa.float64(): pd.Float64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}

_SIMPLE_TYPE_NAMES: dict[pa.DataType, str] = {
    pa.int8(): "int8",
    pa.int16(): "int16",
    pa.int32(): "int32",
    pa.int64(): "int64",
    pa.float32(): "float32",
    pa.float64(): "float64",
    pa.bool_(): "bool_",
    pa.string(): "str",
    pa.date32(): "datetime64",
}


def to_frame(table: pa.Table) -> pd.DataFrame:
    """The table as a pandas frame with a positional ``_row`` column first."""
    frame = table.to_pandas(types_mapper=_NULLABLE_DTYPES.get, date_as_object=False)
    frame.insert(0, ROW_INDEX, range(table.num_rows))
    return frame


def gx_type_name(arrow_type: pa.DataType) -> str:
    """The ``type_`` GX observes for a column of ``arrow_type`` converted by ``to_frame``."""
    if pa.types.is_dictionary(arrow_type):
        return "CategoricalDtypeType"
    if pa.types.is_timestamp(arrow_type) and arrow_type.tz is not None:
        return "Timestamp"
    try:
        return _SIMPLE_TYPE_NAMES[arrow_type]
    except KeyError:
        raise TypeError(f"no GX type name for Arrow type {arrow_type}") from None
