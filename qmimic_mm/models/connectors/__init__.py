from .multi_level_connector import MultiLevelConnector

__all__ = ['MultiLevelConnector']
