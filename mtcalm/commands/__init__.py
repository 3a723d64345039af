"""The command line's verbs, one module each; ``mtcalm.cli`` routes to them."""
