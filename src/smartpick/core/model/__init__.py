"""The interview and match model: its parameters, program rates, outcomes of a list, the
standing curve, calibration to the published figures and validation."""
