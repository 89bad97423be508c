"""One repository per aggregate, each behind its narrow port in bot/domain/ports.py;
storage/repository.py composes them into the one SqlRepository a unit of work hands out."""
