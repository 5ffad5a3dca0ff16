"""Models: device, the model store and manifest, encoders, translators, NLI, context, calibration."""
