"""stripecli: operate a Stripe account from the shell."""

__version__ = "0.1.0"
