"""Consumer app training script (script mode): never run here."""
import argparse

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=1)
print(parser.parse_known_args()[0])
