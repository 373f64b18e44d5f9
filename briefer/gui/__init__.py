"""The desktop app's windows and dialogs (PySide6): the only package that imports Qt.

They call the use cases (`briefer.actions`) and read the stages; Qt work stays here.
"""
