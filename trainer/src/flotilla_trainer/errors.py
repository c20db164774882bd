"""The trainer's errors. Each has a stable code (never reused) and a message that names the
field, column or limit and says what to do; the command prints it without a stack trace."""

# Codes, as in operator/src/errors.ts: FLT_ prefix, never reused.
DATASET = "FLT_TRAIN_DATASET"
ARGUMENT = "FLT_TRAIN_ARGUMENT"
EXPORT = "FLT_TRAIN_EXPORT"

ERROR_CODES = {
    DATASET: "The training dataset breaks the dataset contract (a missing column or metadata "
    "key, a NaN, no rows, one label only). Re-export it with `flotilla dataset` or fix the "
    "column named.",
    ARGUMENT: "A trainer argument is out of range or unknown. Fix the flag the message names.",
    EXPORT: "The ONNX export does not reproduce the trained model (or breaks the runtime's input "
    "or output contract). Report it with the algorithm and library versions in the message.",
}


class TrainerError(Exception):
    """Base of every error the trainer reports on purpose."""

    code: str = ""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class DatasetError(TrainerError):
    """The dataset file cannot be read or does not meet the dataset contract."""

    code = DATASET


class ArgumentError(TrainerError):
    """A command-line or API argument is invalid."""

    code = ARGUMENT


class ExportError(TrainerError):
    """The ONNX model failed its checks: signature, opsets, or agreement with the estimator."""

    code = EXPORT
